// The staking module: validators, delegations, rewards, slashing (docs/staking.md). Transactions
// and eth_call reach it at STAKING_ADDRESS with calldata of IStaking.sol; this file only routes a
// selector to its handler.
import { AbiFunction } from 'ox';
import type { Address } from '../../../core/address.ts';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import type { StateReader } from '../../stateDb.ts';
import { AbiDecodeError, type DecodedArgs, decodeArgs } from '../attribution/calldata.ts';
import { meteredState } from '../attribution/store.ts';
import type { BlockInfo, CallContext, Module } from '../module.ts';
import { STAKING_ADDRESS, stakingAbi } from './abi.ts';
import type { Call } from './call.ts';
import { delegate, redelegate, undelegate, withdrawRewards } from './delegations.ts';
import { StakingError } from './errors.ts';
import { GAS } from './gas.ts';
import { readStakingParams } from './params.ts';
import { unjail } from './slashing.ts';
import { createValidator, editValidator } from './validators.ts';
import { type ViewHandlers, views } from './views.ts';

type Abi = typeof stakingAbi;
type FunctionName = AbiFunction.Name<Abi>;
type Args<N extends FunctionName> = DecodedArgs<AbiFunction.FromAbi<Abi, N>>;
type TxName = Exclude<FunctionName, keyof ViewHandlers>;

const transactions: { [N in TxName]: (call: Call, args: Args<N>) => void } = {
  createValidator: (
    call,
    [consensusKey, keySignature, commissionBps, maxCommissionBps, maxChangeBps, moniker, metadata],
  ) =>
    createValidator(call, {
      consensusKey,
      keySignature,
      commissionBps: Number(commissionBps),
      maxCommissionBps: Number(maxCommissionBps),
      maxChangeBps: Number(maxChangeBps),
      moniker,
      metadata,
    }),
  editValidator: (call, [commissionBps, moniker, metadata]) =>
    editValidator(call, { commissionBps: Number(commissionBps), moniker, metadata }),
  delegate: (call, [validator]) => delegate(call, validator),
  undelegate: (call, [validator, amount]) => undelegate(call, validator, amount),
  redelegate: (call, [from, to, amount]) => redelegate(call, from, to, amount),
  withdrawRewards: (call, [validator]) => withdrawRewards(call, validator),
  unjail: (call) => unjail(call),
};

interface Route<R> {
  readonly fn: AbiFunction.AbiFunction;
  readonly run: R;
}
type TxRoute = Route<(call: Call, data: Uint8Array) => void>;
type ViewRoute = Route<(state: StateReader, data: Uint8Array) => Uint8Array>;

function route<R>(name: FunctionName, run: (fn: AbiFunction.AbiFunction) => R): [string, Route<R>] {
  const fn = AbiFunction.fromAbi(stakingAbi, name);
  return [AbiFunction.getSelector(fn), { fn, run: run(fn) }];
}

const txRoutes = new Map<string, TxRoute>(
  (Object.keys(transactions) as TxName[]).map((name) =>
    route(name, (fn) => {
      const handler = transactions[name] as (call: Call, args: unknown) => void;
      return (call: Call, data: Uint8Array) => handler(call, decode(fn, data));
    }),
  ),
);

const viewRoutes = new Map<string, ViewRoute>(
  (Object.keys(views) as (keyof ViewHandlers)[]).map((name) =>
    route(name, (fn) => {
      const handler = views[name] as (state: StateReader, args: unknown) => unknown;
      return (state: StateReader, data: Uint8Array) =>
        hexToBytes(AbiFunction.encodeResult(fn, handler(state, decode(fn, data)) as never));
    }),
  ),
);

function decode(fn: AbiFunction.AbiFunction, data: Uint8Array): unknown {
  try {
    return decodeArgs(fn, data);
  } catch (err) {
    if (!(err instanceof AbiDecodeError)) throw err;
    throw new StakingError('BAD_CALLDATA', `cannot decode calldata of ${fn.name}: ${err.message}`);
  }
}

function selectorOf(data: Uint8Array): string {
  if (data.length < 4)
    throw new StakingError('BAD_CALLDATA', 'calldata must start with a 4-byte function selector of IStaking');
  return bytesToHex(data.subarray(0, 4));
}

function unknownSelector(selector: string): StakingError {
  return new StakingError('UNKNOWN_FUNCTION', `unknown function selector ${selector} for the staking module`);
}

export class StakingModule implements Module {
  readonly name = 'staking';
  readonly address: Address = STAKING_ADDRESS;

  execute(ctx: CallContext, data: Uint8Array): void {
    ctx.useGas(GAS.call);
    const selector = selectorOf(data);
    const route = txRoutes.get(selector);
    if (!route) {
      const view = viewRoutes.get(selector);
      if (view)
        throw new StakingError('NOT_A_TRANSACTION', `${view.fn.name} is a view: read it with eth_call`);
      throw unknownSelector(selector);
    }
    const state = meteredState(ctx);
    const stake = { state, accounts: ctx.state, useGas: (gas: bigint) => ctx.useGas(gas) };
    route.run({ ctx, stake, params: readStakingParams(state) }, data);
  }

  view(state: StateReader, _block: BlockInfo, data: Uint8Array, _from: Address): Uint8Array {
    const selector = selectorOf(data);
    const route = viewRoutes.get(selector);
    if (!route) {
      const tx = txRoutes.get(selector);
      if (tx) throw new StakingError('NOT_A_VIEW', `${tx.fn.name} changes state: send it as a transaction`);
      throw unknownSelector(selector);
    }
    readStakingParams(state);
    return route.run(state, data);
  }
}

/** The staking module, for the node's module registry. */
export function stakingModule(): StakingModule {
  return new StakingModule();
}

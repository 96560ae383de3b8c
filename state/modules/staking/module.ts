// The staking module: validators, delegations, rewards, slashing (docs/staking.md). Transactions
// and eth_call reach it at STAKING_ADDRESS with calldata of IStaking.sol; this file only routes a
// selector to its handler.
import type { AbiFunction } from 'ox';
import type { Address } from '../../../core/address.ts';
import type { StateReader } from '../../stateDb.ts';
import { AbiRouter } from '../abiRouter.ts';
import type { DecodedArgs } from '../attribution/calldata.ts';
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

const router = new AbiRouter<Call>({
  abi: stakingAbi,
  interfaceName: 'IStaking',
  moduleName: 'staking',
  fail: (code, message) => new StakingError(code, message),
  transactions,
  views,
});

export class StakingModule implements Module {
  readonly name = 'staking';
  readonly address: Address = STAKING_ADDRESS;
  /** Value sent with createValidator and delegate is bonded: locked tokens may be (docs/vesting.md). */
  readonly stakesValue = true;

  execute(ctx: CallContext, data: Uint8Array): void {
    ctx.useGas(GAS.call);
    const run = router.transaction(data);
    const state = meteredState(ctx);
    const stake = { state, accounts: ctx.state, useGas: (gas: bigint) => ctx.useGas(gas) };
    run({ ctx, stake, params: readStakingParams(state) });
  }

  view(state: StateReader, _block: BlockInfo, data: Uint8Array, _from: Address): Uint8Array {
    const run = router.view(data);
    readStakingParams(state);
    return run(state);
  }
}

/** The staking module, for the node's module registry. */
export function stakingModule(): StakingModule {
  return new StakingModule();
}

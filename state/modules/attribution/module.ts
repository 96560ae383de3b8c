// The attribution module: Datanets, contributions, models and inference records with span proofs
// (docs/attribution.md). Transactions and eth_call reach it at ATTRIBUTION_ADDRESS with calldata of
// IAttribution.sol; this file only routes a selector to its handler.
import { AbiFunction } from 'ox';
import type { Address } from '../../../core/address.ts';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import type { StateReader } from '../../stateDb.ts';
import type { BlockInfo, CallContext, Module } from '../module.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from './abi.ts';
import type { Call } from './call.ts';
import { AbiDecodeError, type DecodedArgs, decodeArgs } from './calldata.ts';
import { addContribution, decideContribution, flagContribution, withdrawBond } from './contributions.ts';
import { createDatanet } from './datanets.ts';
import { AttributionError } from './errors.ts';
import { GAS } from './gas.ts';
import { recordInference } from './inferences.ts';
import { registerModel } from './models.ts';
import { readAttributionParams } from './params.ts';
import { ProofCache } from './proofCache.ts';
import { meteredState } from './store.ts';
import { type ViewHandlers, views } from './views.ts';

type Abi = typeof attributionAbi;
type FunctionName = AbiFunction.Name<Abi>;
type Args<N extends FunctionName> = DecodedArgs<AbiFunction.FromAbi<Abi, N>>;
type TxName = Exclude<FunctionName, keyof ViewHandlers>;

const transactions: { [N in TxName]: (call: Call, args: Args<N>) => void } = {
  createDatanet: (call, [name, metadataURI, license, policy, bond]) =>
    createDatanet(call, { name, metadataURI, license, policy, bond }),
  addContribution: (call, [datanetId, chunkRoot, size, uri]) =>
    addContribution(call, { datanetId, chunkRoot, size, uri }),
  approveContribution: (call, [id]) => decideContribution(call, id, true),
  rejectContribution: (call, [id]) => decideContribution(call, id, false),
  flagContribution: (call, [id, reason]) => flagContribution(call, id, reason),
  withdrawBond: (call, [id]) => withdrawBond(call, id),
  registerModel: (
    call,
    [name, metadataURI, datanetIds, baseModelId, feePerInference, feePerKiloByte, split],
  ) =>
    registerModel(call, {
      name,
      metadataURI,
      datanetIds,
      baseModelId,
      feePerInference,
      feePerKiloByte,
      split,
    }),
  recordInference: (call, [modelId, output, spans]) => recordInference(call, { modelId, output, spans }),
};

interface Route<R> {
  readonly fn: AbiFunction.AbiFunction;
  readonly run: R;
}
type TxRoute = Route<(call: Call, data: Uint8Array) => void>;
type ViewRoute = Route<(state: StateReader, data: Uint8Array) => Uint8Array>;

function route<R>(name: FunctionName, run: (fn: AbiFunction.AbiFunction) => R): [string, Route<R>] {
  const fn = AbiFunction.fromAbi(attributionAbi, name);
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
    throw new AttributionError('BAD_CALLDATA', `cannot decode calldata of ${fn.name}: ${err.message}`);
  }
}

/** The selector of `data`, or BAD_CALLDATA if there is none. */
function selectorOf(data: Uint8Array): string {
  if (data.length < 4) {
    throw new AttributionError(
      'BAD_CALLDATA',
      'calldata must start with a 4-byte function selector of IAttribution',
    );
  }
  return bytesToHex(data.subarray(0, 4));
}

function unknownSelector(selector: string): AttributionError {
  return new AttributionError(
    'UNKNOWN_FUNCTION',
    `unknown function selector ${selector} for the attribution module`,
  );
}

export interface AttributionModuleOptions {
  /** Authentic chunk-tree nodes kept to save hashing when verifying proofs (0 disables). */
  readonly proofCacheNodes?: number;
}

export class AttributionModule implements Module {
  readonly name = 'attribution';
  readonly address: Address = ATTRIBUTION_ADDRESS;
  readonly #proofs: ProofCache;

  constructor(opts: AttributionModuleOptions = {}) {
    this.#proofs = new ProofCache(opts.proofCacheNodes ?? 200_000);
  }

  execute(ctx: CallContext, data: Uint8Array): void {
    ctx.useGas(GAS.call);
    const selector = selectorOf(data);
    const route = txRoutes.get(selector);
    if (!route) {
      const view = viewRoutes.get(selector);
      if (view)
        throw new AttributionError('NOT_A_TRANSACTION', `${view.fn.name} is a view: read it with eth_call`);
      throw unknownSelector(selector);
    }
    const state = meteredState(ctx);
    route.run({ ctx, state, params: readAttributionParams(state), proofs: this.#proofs }, data);
  }

  view(state: StateReader, _block: BlockInfo, data: Uint8Array, _from: Address): Uint8Array {
    const selector = selectorOf(data);
    const route = viewRoutes.get(selector);
    if (!route) {
      const tx = txRoutes.get(selector);
      if (tx)
        throw new AttributionError('NOT_A_VIEW', `${tx.fn.name} changes state: send it as a transaction`);
      throw unknownSelector(selector);
    }
    return route.run(state, data);
  }
}

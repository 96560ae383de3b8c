// The attribution module: Datanets, contributions, models and inference records with span proofs
// (docs/attribution.md). Transactions and eth_call reach it at ATTRIBUTION_ADDRESS with calldata of
// IAttribution.sol; this file only routes a selector to its handler.
import type { AbiFunction } from 'ox';
import type { Address } from '../../../core/address.ts';
import type { StateReader } from '../../stateDb.ts';
import { AbiRouter } from '../abiRouter.ts';
import type { BlockInfo, CallContext, Module } from '../module.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from './abi.ts';
import { commitAttestation, revealAttestation } from './attested/attest.ts';
import { recordAttestedInference } from './attested/record.ts';
import { settleAttestedInference } from './attested/settle.ts';
import type { Call } from './call.ts';
import type { DecodedArgs } from './calldata.ts';
import { commitContribution } from './commitments.ts';
import {
  addContribution,
  decideContribution,
  flagContribution,
  withdrawBond,
  withdrawContribution,
} from './contributions.ts';
import { createDatanet } from './datanets.ts';
import { AttributionError } from './errors.ts';
import { challengeInference, settleInference } from './escrow.ts';
import { GAS } from './gas.ts';
import { recordInference } from './inferences.ts';
import { registerModel } from './models.ts';
import {
  postAttributionBond,
  setOperator,
  unlockAttributionBond,
  withdrawAttributionBond,
} from './operators.ts';
import { readAttributionParams } from './params.ts';
import { setAdapterAllowed, setAdapterPolicy, setDatanetModelAllowed } from './policies.ts';
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
  addContribution: (call, [datanetId, chunkRoot, size, uri, salt, samples]) =>
    addContribution(call, { datanetId, chunkRoot, size, uri, salt, samples }),
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
  setOperator: (call, [modelId, operator, allowed]) => setOperator(call, modelId, operator, allowed),
  postAttributionBond: (call, [modelId]) => postAttributionBond(call, modelId),
  unlockAttributionBond: (call, [modelId]) => unlockAttributionBond(call, modelId),
  withdrawAttributionBond: (call, [modelId]) => withdrawAttributionBond(call, modelId),
  challengeInference: (call, [inferenceId, output, spans]) =>
    challengeInference(call, { inferenceId, output, spans }),
  settleInference: (call, [inferenceId]) => settleInference(call, inferenceId),
  commitContribution: (call, [commitment]) => commitContribution(call, commitment),
  withdrawContribution: (call, [id]) => withdrawContribution(call, id),
  setAdapterPolicy: (call, [modelId, mode, minBaseShareBps]) =>
    setAdapterPolicy(call, modelId, mode, minBaseShareBps),
  setAdapterAllowed: (call, [modelId, owner, allowed]) => setAdapterAllowed(call, modelId, owner, allowed),
  setDatanetModelAllowed: (call, [datanetId, owner, allowed]) =>
    setDatanetModelAllowed(call, datanetId, owner, allowed),
  recordAttestedInference: (call, [modelId, output, candidates, claimedScores]) =>
    recordAttestedInference(call, { modelId, output, candidates, claimedScores }),
  commitAttestation: (call, [inferenceId, commitment]) => commitAttestation(call, inferenceId, commitment),
  revealAttestation: (call, [inferenceId, scores, salt]) =>
    revealAttestation(call, inferenceId, scores, salt),
  settleAttestedInference: (call, [inferenceId]) => settleAttestedInference(call, inferenceId),
};

const router = new AbiRouter<Call>({
  abi: attributionAbi,
  interfaceName: 'IAttribution',
  moduleName: 'attribution',
  fail: (code, message) => new AttributionError(code, message),
  transactions,
  views,
});

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
    const run = router.transaction(data);
    const state = meteredState(ctx);
    run({ ctx, state, params: readAttributionParams(state), proofs: this.#proofs });
  }

  view(state: StateReader, _block: BlockInfo, data: Uint8Array, _from: Address): Uint8Array {
    const run = router.view(data);
    return run(state);
  }
}

// Read-only functions answered through eth_call: records as the ABI's structs, earnings totals,
// and the fee a model charges for an output size.
import type { AbiFunction } from 'ox';
import { bytesToHex } from '../../../core/bytes.ts';
import { readBlockHash } from '../../blockHashes.ts';
import type { StateReader } from '../../stateDb.ts';
import type { attributionAbi } from './abi.ts';
import { attestedViews } from './attested/views.ts';
import type { DecodedArgs } from './calldata.ts';
import { readCommitmentHeight } from './commitments.ts';
import { AttributionError } from './errors.ts';
import { isOperator, readAttributionBond, requireEscrow } from './escrowRecords.ts';
import { Counter, attributionKeys as keys } from './keys.ts';
import { readAttributionParams } from './params.ts';
import { isAdapterAllowed, isDatanetModelAllowed, readAdapterPolicy } from './policies.ts';
import { possessionIndices } from './possession.ts';
import { Role } from './records.ts';
import { inferenceFee } from './split.ts';
import {
  contributionByRoot,
  lastId,
  readContribution,
  readEarnings,
  readInference,
  readModelStats,
  requireContribution,
  requireDatanet,
  requireModel,
} from './store.ts';

type Abi = typeof attributionAbi;
type ViewName = {
  [N in AbiFunction.Name<Abi>]: AbiFunction.FromAbi<Abi, N>['stateMutability'] extends 'view' ? N : never;
}[AbiFunction.Name<Abi>];
type Result<N extends ViewName> = AbiFunction.decodeResult.ReturnType<AbiFunction.FromAbi<Abi, N>>;

/** A view's answer, computed from its decoded arguments. */
export type ViewHandlers = {
  [N in ViewName]: (state: StateReader, args: DecodedArgs<AbiFunction.FromAbi<Abi, N>>) => Result<N>;
};

export const views: ViewHandlers = {
  params: (state) => {
    const p = readAttributionParams(state);
    return {
      ...p,
      challengeWindowSeconds: BigInt(p.challengeWindowSeconds),
      challengeWindowBlocks: BigInt(p.challengeWindowBlocks),
      reviewWindowBlocks: BigInt(p.reviewWindowBlocks),
    };
  },

  counts: (state) => [
    lastId(state, Counter.datanet),
    lastId(state, Counter.contribution),
    lastId(state, Counter.model),
    lastId(state, Counter.inference),
  ],

  getDatanet: (state, [id]) => {
    const d = requireDatanet(state, id);
    return {
      id,
      ...d,
      createdAt: BigInt(d.createdAt),
      earned: readEarnings(state, keys.datanetEarnings(id)),
    };
  },

  getContribution: (state, [id]) => {
    const c = requireContribution(state, id);
    return {
      id,
      ...c,
      chunkRoot: bytesToHex(c.chunkRoot),
      size: BigInt(c.size),
      submittedAt: BigInt(c.submittedAt),
      acceptedAt: BigInt(c.acceptedAt),
      earned: readEarnings(state, keys.contributionEarnings(id)),
      commitHeight: BigInt(c.commitHeight),
      submittedHeight: BigInt(c.submittedHeight),
      challengeWindowSeconds: BigInt(c.challengeWindowSeconds),
    };
  },

  contributionByRoot: (state, [root]) => contributionByRoot(state, root),

  getModel: (state, [id]) => {
    const m = requireModel(state, id);
    const stats = readModelStats(state, id);
    return {
      id,
      ...m,
      datanetIds: [...m.datanetIds],
      createdAt: BigInt(m.createdAt),
      inferences: stats.inferences,
      feesCharged: stats.feesCharged,
    };
  },

  modelFee: (state, [id, outputBytes]) => {
    const m = requireModel(state, id);
    return inferenceFee(m.feePerInference, m.feePerKiloByte, Number(outputBytes));
  },

  getInference: (state, [id]) => {
    const r = readInference(state, id);
    if (!r) throw new AttributionError('UNKNOWN_INFERENCE', `unknown inference ${id}`);
    return {
      id,
      ...r,
      height: BigInt(r.height),
      time: BigInt(r.time),
      outputHash: bytesToHex(r.outputHash),
      lineage: [...r.lineage],
      datanetIds: [...r.datanetIds],
      spans: [...r.spans],
      payouts: [...r.payouts],
    };
  },

  contributorEarnings: (state, [address]) => readEarnings(state, keys.contributorEarnings(address)),

  earningsOf: (state, [address]) => {
    const of = (role: Role) => readEarnings(state, keys.recipientEarnings(address, role));
    return {
      modelOwner: of(Role.modelOwner),
      baseModelOwner: of(Role.baseModelOwner),
      contributor: of(Role.contributor),
      validator: of(Role.validator),
      treasury: of(Role.treasury),
      datanetOwner: of(Role.datanetOwner),
      challenger: of(Role.challenger),
    };
  },

  contributionEarnings: (state, [id]) => {
    if (!readContribution(state, id))
      throw new AttributionError('UNKNOWN_CONTRIBUTION', `unknown contribution ${id}`);
    return readEarnings(state, keys.contributionEarnings(id));
  },

  datanetEarnings: (state, [id]) => {
    requireDatanet(state, id);
    return readEarnings(state, keys.datanetEarnings(id));
  },

  isOperator: (state, [modelId, operator]) => {
    requireModel(state, modelId);
    return isOperator(state, modelId, operator);
  },

  attributionBond: (state, [modelId, recorder]) => {
    requireModel(state, modelId);
    const bond = readAttributionBond(state, modelId, recorder);
    return { amount: bond.amount, withdrawableAt: BigInt(bond.withdrawableAt) };
  },

  getEscrow: (state, [id]) => {
    const e = requireEscrow(state, id);
    return {
      inferenceId: id,
      ...e,
      windowEnd: BigInt(e.windowEnd),
      segments: [...e.segments],
      attributedBytes: e.segments.reduce((sum, s) => sum + s.length, 0),
      payouts: [...e.payouts],
    };
  },

  commitmentHeight: (state, [commitment]) => BigInt(readCommitmentHeight(state, commitment) ?? 0),

  possessionIndices: (state, [commitment, size]) => {
    const height = readCommitmentHeight(state, commitment);
    if (height === undefined)
      throw new AttributionError('NO_COMMITMENT', `no commitment ${bytesToHex(commitment)}`);
    const seed = readBlockHash(state, height + 1);
    if (!seed) {
      throw new AttributionError(
        'REVEAL_TOO_EARLY',
        `the sampling seed of commitment ${bytesToHex(commitment)} (block ${height + 1}'s hash) is not in the state yet`,
      );
    }
    if (size < 1n || size > BigInt(Number.MAX_SAFE_INTEGER))
      throw new AttributionError(
        'INVALID_ARGUMENT',
        `size must be between 1 and ${Number.MAX_SAFE_INTEGER} bytes, got ${size}`,
      );
    const p = readAttributionParams(state);
    const chunks = Math.ceil(Number(size) / p.chunkSize);
    return possessionIndices(seed, commitment, chunks, p.possessionSamples).map(BigInt);
  },

  adapterPolicy: (state, [modelId]) => {
    requireModel(state, modelId);
    const policy = readAdapterPolicy(state, modelId);
    return [policy.mode, policy.minBaseShareBps];
  },

  adapterAllowed: (state, [modelId, owner]) => {
    requireModel(state, modelId);
    return isAdapterAllowed(state, modelId, owner);
  },

  datanetModelAllowed: (state, [datanetId, owner]) => {
    requireDatanet(state, datanetId);
    return isDatanetModelAllowed(state, datanetId, owner);
  },

  ...attestedViews,
};

// State keys of the attribution module's records: StateSpace.module, then one record-kind byte from
// the block 0xa0-0xaf reserved for this module, then the record's own key (ids as uint64 big-endian).
import { type Address, addressToBytes } from '../../../core/address.ts';
import { concatBytes, u64ToBytes } from '../../../core/bytes.ts';
import { StateSpace } from '../../stateKeys.ts';
import { Role } from './records.ts';

const Kind = {
  counter: 0xa0,
  datanet: 0xa1,
  contribution: 0xa2,
  /** chunk root -> contribution id: the chain-wide de-duplication index. */
  rootIndex: 0xa3,
  model: 0xa4,
  /** Per model: inferences recorded and fees charged (kept apart so the model record is never rewritten). */
  modelStats: 0xa5,
  inference: 0xa6,
  earnings: 0xa7,
  /** Registration commitments by hash, and the queue they expire from in commit order. */
  commitment: 0xa8,
  commitQueue: 0xa9,
  /** Per base model: who may build adapters on it; per model owner and Datanet: consent. */
  adapterPolicy: 0xaa,
  adapterAllowed: 0xab,
  datanetModelAllowed: 0xac,
  /** (model, address) -> 1: the model's authorized operators (operators.ts). */
  operator: 0xad,
  /** (model, recorder) -> attribution bond (operators.ts). */
  attributionBond: 0xae,
  /** inference id -> its escrow: the contributors' pool and its canonical attribution (escrow.ts). */
  escrow: 0xaf,
} as const;

/** The sequential id counters; each holds the last id assigned (ids start at 1, 0 means "none"). */
export const Counter = {
  datanet: 1,
  contribution: 2,
  model: 3,
  inference: 4,
  /** The commitment queue: last entry appended, last entry pruned. */
  commitQueued: 5,
  commitPruned: 6,
} as const;
export type Counter = (typeof Counter)[keyof typeof Counter];

const EarningsOf = { contributor: 1, contribution: 2, datanet: 3, recipient: 4 } as const;

const key = (kind: number, ...rest: Uint8Array[]) =>
  concatBytes(Uint8Array.of(StateSpace.module, kind), ...rest);

/**
 * StateSpace.module, kind, [sub,] uint64be(id): written in place, because inference records build a
 * dozen of these keys each and concatBytes(u64ToBytes(...)) went through a DataView and a BigInt
 * per key. Same bytes as u64ToBytes (ids are uint64 by their ABI type and record encodings).
 */
function idKey(kind: number, id: bigint, sub?: number): Uint8Array {
  const at = sub === undefined ? 2 : 3;
  const out = new Uint8Array(at + 8);
  out[0] = StateSpace.module;
  out[1] = kind;
  if (sub !== undefined) out[2] = sub;
  if (id >= 0n && id <= 0x1f_ffff_ffff_ffffn) {
    const n = Number(id);
    const high = Math.floor(n / 2 ** 32);
    const low = n >>> 0;
    out[at] = high >>> 24;
    out[at + 1] = high >>> 16;
    out[at + 2] = high >>> 8;
    out[at + 3] = high;
    out[at + 4] = low >>> 24;
    out[at + 5] = low >>> 16;
    out[at + 6] = low >>> 8;
    out[at + 7] = low;
  } else {
    out.set(u64ToBytes(id), at);
  }
  return out;
}

export const attributionKeys = {
  counter: (counter: Counter) => key(Kind.counter, Uint8Array.of(counter)),
  datanet: (id: bigint) => idKey(Kind.datanet, id),
  contribution: (id: bigint) => idKey(Kind.contribution, id),
  rootIndex: (chunkRoot: Uint8Array) => key(Kind.rootIndex, chunkRoot),
  model: (id: bigint) => idKey(Kind.model, id),
  modelStats: (id: bigint) => idKey(Kind.modelStats, id),
  inference: (id: bigint) => idKey(Kind.inference, id),
  contributorEarnings: (address: Address) =>
    key(Kind.earnings, Uint8Array.of(EarningsOf.contributor), addressToBytes(address)),
  /** What `address` has received in one payout role (records.ts Role), in total. */
  recipientEarnings: (address: Address, role: number) =>
    // A contributor's total keeps its own key (contributorEarnings), so it is not stored twice.
    role === Role.contributor
      ? attributionKeys.contributorEarnings(address)
      : key(Kind.earnings, Uint8Array.of(EarningsOf.recipient, role), addressToBytes(address)),
  contributionEarnings: (id: bigint) => idKey(Kind.earnings, id, EarningsOf.contribution),
  datanetEarnings: (id: bigint) => idKey(Kind.earnings, id, EarningsOf.datanet),
  commitment: (commitment: Uint8Array) => key(Kind.commitment, commitment),
  commitQueue: (index: bigint) => idKey(Kind.commitQueue, index),
  adapterPolicy: (modelId: bigint) => idKey(Kind.adapterPolicy, modelId),
  adapterAllowed: (modelId: bigint, owner: Address) =>
    concatBytes(idKey(Kind.adapterAllowed, modelId), addressToBytes(owner)),
  datanetModelAllowed: (datanetId: bigint, owner: Address) =>
    concatBytes(idKey(Kind.datanetModelAllowed, datanetId), addressToBytes(owner)),
  operator: (modelId: bigint, operator: Address) =>
    concatBytes(idKey(Kind.operator, modelId), addressToBytes(operator)),
  attributionBond: (modelId: bigint, recorder: Address) =>
    concatBytes(idKey(Kind.attributionBond, modelId), addressToBytes(recorder)),
  escrow: (inferenceId: bigint) => idKey(Kind.escrow, inferenceId),
};

// State keys of the attribution module's records: StateSpace.module, then one record-kind byte from
// the block 0xa0-0xaf reserved for this module, then the record's own key (ids as uint64 big-endian).
import { type Address, addressToBytes } from '../../../core/address.ts';
import { concatBytes, u64ToBytes } from '../../../core/bytes.ts';
import { StateSpace } from '../../stateKeys.ts';

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
} as const;

/** The sequential id counters; each holds the last id assigned (ids start at 1, 0 means "none"). */
export const Counter = { datanet: 1, contribution: 2, model: 3, inference: 4 } as const;
export type Counter = (typeof Counter)[keyof typeof Counter];

const EarningsOf = { contributor: 1, contribution: 2, datanet: 3 } as const;

const key = (kind: number, ...rest: Uint8Array[]) =>
  concatBytes(Uint8Array.of(StateSpace.module, kind), ...rest);

export const attributionKeys = {
  counter: (counter: Counter) => key(Kind.counter, Uint8Array.of(counter)),
  datanet: (id: bigint) => key(Kind.datanet, u64ToBytes(id)),
  contribution: (id: bigint) => key(Kind.contribution, u64ToBytes(id)),
  rootIndex: (chunkRoot: Uint8Array) => key(Kind.rootIndex, chunkRoot),
  model: (id: bigint) => key(Kind.model, u64ToBytes(id)),
  modelStats: (id: bigint) => key(Kind.modelStats, u64ToBytes(id)),
  inference: (id: bigint) => key(Kind.inference, u64ToBytes(id)),
  contributorEarnings: (address: Address) =>
    key(Kind.earnings, Uint8Array.of(EarningsOf.contributor), addressToBytes(address)),
  contributionEarnings: (id: bigint) =>
    key(Kind.earnings, Uint8Array.of(EarningsOf.contribution), u64ToBytes(id)),
  datanetEarnings: (id: bigint) => key(Kind.earnings, Uint8Array.of(EarningsOf.datanet), u64ToBytes(id)),
};

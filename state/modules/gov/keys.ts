// State keys of the governance module's records: StateSpace.module, then one record-kind byte from
// the block 0xc0-0xcf reserved for governance, then the record's own key. The state tree cannot be
// iterated, so the lists the module walks (a proposal's voters and depositors, the proposals ending
// at a height) are records of their own.
import { type Address, addressToBytes } from '../../../core/address.ts';
import { concatBytes, u64ToBytes } from '../../../core/bytes.ts';
import { StateSpace } from '../../stateKeys.ts';

const Kind = {
  /** The last proposal id assigned (ids start at 1). */
  counter: 0xc0,
  proposal: 0xc1,
  /** A depositor's total deposit on a proposal. */
  deposit: 0xc2,
  /** A proposal's depositors, in the order of their first deposit. */
  depositors: 0xc3,
  /** A voter's current option on a proposal, and its place in the voter list. */
  vote: 0xc4,
  /** The i-th voter of a proposal. */
  voter: 0xc5,
  /** Proposals whose deposit or voting period ends at a height. */
  queue: 0xc6,
} as const;

const key = (kind: number, ...rest: Uint8Array[]) =>
  concatBytes(Uint8Array.of(StateSpace.module, kind), ...rest);
const a = addressToBytes;

export const govKeys = {
  counter: () => key(Kind.counter),
  proposal: (id: number) => key(Kind.proposal, u64ToBytes(id)),
  deposit: (id: number, depositor: Address) => key(Kind.deposit, u64ToBytes(id), a(depositor)),
  depositors: (id: number) => key(Kind.depositors, u64ToBytes(id)),
  vote: (id: number, voter: Address) => key(Kind.vote, u64ToBytes(id), a(voter)),
  voter: (id: number, index: number) => key(Kind.voter, u64ToBytes(id), u64ToBytes(index)),
  queue: (height: number) => key(Kind.queue, u64ToBytes(height)),
};

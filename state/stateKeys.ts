// Keys of the authenticated state. The first byte names the record kind; the state tree hashes the
// whole key (sha256) to place it, so related records need not be adjacent in the tree.
import { type Address, addressToBytes } from '../core/address.ts';
import { concatBytes, utf8ToBytes } from '../core/bytes.ts';

export const StateSpace = {
  account: 0x01,
  params: 0x02,
  validators: 0x03,
  /** Committed duplicate-vote evidence, by evidence hash (for slashing, and against re-inclusion). */
  evidence: 0x04,
  /** Recent block hashes, a ring by height (state/blockHashes.ts). */
  blockHashes: 0x05,
  /** Unlock schedules of genesis allocations, by account, and the list of those accounts (state/vesting/). */
  vesting: 0x06,
  /** The total supply: genesis supply minus burns (state/supply.ts). */
  supply: 0x07,
  /** Module records: the second byte of the key is the module's own record kind. */
  module: 0x10,
} as const;

export const stateKeys = {
  account: (address: Address) => concatBytes(Uint8Array.of(StateSpace.account), addressToBytes(address)),
  params: (name: string) => concatBytes(Uint8Array.of(StateSpace.params), utf8ToBytes(name)),
  validators: () => Uint8Array.of(StateSpace.validators),
  evidence: (hash: Uint8Array) => concatBytes(Uint8Array.of(StateSpace.evidence), hash),
};

// Validators as consensus sees them: an ed25519 consensus key, voting power, and the account that
// receives the validator's fees and rewards. A validator's address is the first 20 bytes of
// sha256(pubKey), as in CometBFT; it is distinct from any account address.
import { type Address, addressFromBytes, addressToBytes } from './address.ts';
import { compareBytes, hexToBytes } from './bytes.ts';
import { sha256 } from './hash.ts';
import { merkleRoot } from './merkle.ts';
import { rlpEncode } from './rlp.ts';

export interface Validator {
  readonly address: Address;
  readonly pubKey: Uint8Array;
  readonly power: bigint;
  readonly rewardAddress: Address;
}

export function validatorAddress(pubKey: Uint8Array): Address {
  if (pubKey.length !== 32) throw new RangeError('ed25519 public key must be 32 bytes');
  return addressFromBytes(sha256(pubKey).subarray(0, 20));
}

/** Canonical order of a validator set: by address, ascending. */
export function sortValidators(validators: readonly Validator[]): Validator[] {
  return [...validators].sort((a, b) => compareBytes(hexToBytes(a.address), hexToBytes(b.address)));
}

export function encodeValidator(v: Validator): Uint8Array {
  return rlpEncode([v.pubKey, v.power, addressToBytes(v.rewardAddress)]);
}

/** Commits to the set's keys, powers and reward accounts (not to proposer priorities). */
export function validatorsHash(validators: readonly Validator[]): Uint8Array {
  return merkleRoot(sortValidators(validators).map(encodeValidator));
}

export function totalPower(validators: readonly Validator[]): bigint {
  let sum = 0n;
  for (const v of validators) sum += v.power;
  return sum;
}

/** Strictly more than two thirds, in integers. */
export function isQuorum(power: bigint, total: bigint): boolean {
  return power * 3n > total * 2n;
}

// The active validator set, stored in state so the state root commits to it.
import { addressFromBytes, addressToBytes } from '../core/address.ts';
import { asBigint, asBytes, asList, rlpDecode, rlpEncode } from '../core/rlp.ts';
import { sortValidators, type Validator, validatorAddress } from '../core/validator.ts';
import type { StateOverlay, StateReader } from './stateDb.ts';
import { stateKeys } from './stateKeys.ts';

/** A set in canonical order as RLP [[pubKey, power, rewardAddress], ...]. */
export function encodeValidatorSet(validators: readonly Validator[]): Uint8Array {
  return rlpEncode(
    sortValidators(validators).map((v) => [v.pubKey, v.power, addressToBytes(v.rewardAddress)]),
  );
}

export function decodeValidatorSet(bytes: Uint8Array): Validator[] {
  return asList(rlpDecode(bytes, 'validators'), 'validators').map((item, i) => {
    const [pubKey, power, reward] = asList(item, `validators[${i}]`, 3);
    const key = asBytes(pubKey, `validators[${i}].pubKey`, 32);
    return {
      address: validatorAddress(key),
      pubKey: key,
      power: asBigint(power, `validators[${i}].power`),
      rewardAddress: addressFromBytes(asBytes(reward, `validators[${i}].rewardAddress`, 20)),
    };
  });
}

export function readValidators(state: StateReader): Validator[] {
  const bytes = state.get(stateKeys.validators());
  if (!bytes) throw new Error('validator set missing from state');
  return decodeValidatorSet(bytes);
}

export function writeValidators(state: StateOverlay, validators: readonly Validator[]): void {
  state.set(stateKeys.validators(), encodeValidatorSet(validators));
}

// The validator set that signs the current block, kept for the next block: its lastCommit is signed
// by this set, and the rewards and the downtime windows are computed against it. The state holds
// only the next block's set (state/validatorSet.ts), so the end-block step saves the current one
// before replacing it, writing only when the set changed.
import { equalBytes } from '../../../../core/bytes.ts';
import type { Validator } from '../../../../core/validator.ts';
import type { StateOverlay, StateReader } from '../../../stateDb.ts';
import { decodeValidatorSet, encodeValidatorSet } from '../../../validatorSet.ts';
import { endBlockKeys } from './keys.ts';

/** The set that signed the previous block (undefined before the first block's end). */
export function readSigningSet(state: StateReader): Validator[] | undefined {
  const bytes = state.get(endBlockKeys.signingSet());
  return bytes ? decodeValidatorSet(bytes) : undefined;
}

export function saveSigningSet(state: StateOverlay, validators: readonly Validator[]): void {
  const encoded = encodeValidatorSet(validators);
  const stored = state.get(endBlockKeys.signingSet());
  if (!stored || !equalBytes(stored, encoded)) state.set(endBlockKeys.signingSet(), encoded);
}

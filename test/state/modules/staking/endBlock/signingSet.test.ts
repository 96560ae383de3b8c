// The saved signing set (state/modules/staking/endBlock/signingSet.ts): read back as saved, and
// written only when it changed, so a block that keeps its set writes nothing for it.
import { describe, expect, it } from 'vitest';
import type { Validator } from '../../../../../core/validator.ts';
import { sortValidators, validatorAddress } from '../../../../../core/validator.ts';
import { readSigningSet, saveSigningSet } from '../../../../../state/modules/staking/endBlock/signingSet.ts';
import { StateOverlay } from '../../../../../state/stateDb.ts';
import { account, consensusKey } from '../helpers.ts';

const member = (n: number, power: bigint): Validator => {
  const pubKey = consensusKey(n).publicKey;
  return { address: validatorAddress(pubKey), pubKey, power, rewardAddress: account(n) };
};

describe('the signing set', () => {
  it('is undefined until saved, then reads back as saved', () => {
    const state = new StateOverlay({ get: () => undefined });
    expect(readSigningSet(state)).toBeUndefined();
    const set = [member(1, 10n), member(2, 20n)];
    saveSigningSet(state, set);
    expect(readSigningSet(state)).toEqual(sortValidators(set));
  });

  it('is written when it changed and not when it is the same set', () => {
    const base = new StateOverlay({ get: () => undefined });
    saveSigningSet(base, [member(1, 10n), member(2, 20n)]);
    // The same validators in another order are the same set: no write.
    const same = new StateOverlay(base);
    saveSigningSet(same, [member(2, 20n), member(1, 10n)]);
    expect(same.changes()).toEqual([]);
    // A changed power is a new set.
    const changed = new StateOverlay(base);
    saveSigningSet(changed, [member(1, 10n), member(2, 21n)]);
    expect(changed.changes()).toHaveLength(1);
    expect(readSigningSet(changed)).toEqual(sortValidators([member(1, 10n), member(2, 21n)]));
  });
});

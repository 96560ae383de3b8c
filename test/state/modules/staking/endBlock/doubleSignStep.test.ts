// The double-sign step (state/modules/staking/endBlock/doubleSign.ts) on a fresh in-memory state:
// the offender is slashed at its infraction power, tombstoned, and its downtime window forgotten;
// more evidence of a tombstoned validator changes nothing.
import { describe, expect, it } from 'vitest';
import { slashDoubleSigners } from '../../../../../state/modules/staking/endBlock/doubleSign.ts';
import {
  recordSignature,
  signingStart,
} from '../../../../../state/modules/staking/endBlock/signingWindow.ts';
import { StateOverlay } from '../../../../../state/stateDb.ts';
import { account, CHAIN_ID, consensusKey, ETH, StakingBench, TEST_PARAMS } from '../helpers.ts';
import { doubleVote } from './helpers.ts';

const A = account(1);
const B = account(2);
const keyOf = (n: number) => {
  const k = consensusKey(n);
  return { pubKey: k.publicKey, secretKey: k.secretKey } as never;
};

describe('slashDoubleSigners', () => {
  it('slashes the infraction power, tombstones, forgets the window, and only once', () => {
    const b = new StakingBench(TEST_PARAMS, [A, B]);
    b.createValidator(A, consensusKey(1), 10n * ETH);
    b.createValidator(B, consensusKey(2), 10n * ETH);
    // A has missed two blocks of its window.
    for (const h of [3, 4])
      recordSignature(b.state, b.validator(A), h, false, TEST_PARAMS.signedBlocksWindow);
    expect(b.validator(A).missedBlocks).toBe(2);
    const slashedBefore = b.pool().slashed;

    // Evidence of a double vote at height 4, when A had power 8: 5% of 8 ETH is slashed.
    slashDoubleSigners(b.state, TEST_PARAMS, 6, [{ evidence: doubleVote(CHAIN_ID, keyOf(1), 4), power: 8n }]);
    expect(b.validator(A)).toMatchObject({
      tombstoned: true,
      jailed: true,
      tokens: 10n * ETH - (8n * ETH) / 20n,
      missedBlocks: 0,
    });
    expect(b.pool().slashed - slashedBefore).toBe((8n * ETH) / 20n);
    expect(signingStart(b.state, A)).toBeUndefined();
    expect(b.validator(B)).toMatchObject({ tombstoned: false, tokens: 10n * ETH });

    // Evidence of another height of the same offender: nothing changes.
    const later = new StateOverlay(b.state);
    slashDoubleSigners(later, TEST_PARAMS, 7, [{ evidence: doubleVote(CHAIN_ID, keyOf(1), 5), power: 8n }]);
    expect(later.changes()).toEqual([]);
  });
});

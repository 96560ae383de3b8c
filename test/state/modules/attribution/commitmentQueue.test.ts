// Registration commitments (state/modules/attribution/commitments.ts) on a fresh state per test: the
// exact blocks in which a commitment may be revealed, who may not make it again while it is live,
// and the queue that prunes expired commitments two per commit without ever removing a live one —
// in particular not one made again after it expired, which a stale queue entry still names.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../../core/bytes.ts';
import {
  commitContribution,
  readCommitmentHeight,
  requireRevealable,
} from '../../../../state/modules/attribution/commitments.ts';
import { attributionKeys } from '../../../../state/modules/attribution/keys.ts';
import { DirectCalls, OWNER, refusal } from './directCall.ts';

const WINDOW = 8; // TEST_ATTRIBUTION_PARAMS.revealWindowBlocks
const c = (n: number) => new Uint8Array(32).fill(n);

function commitAt(w: DirectCalls, height: number, commitment: Uint8Array): void {
  w.height = height;
  commitContribution(w.call(), commitment);
}

function revealAt(w: DirectCalls, height: number, commitment: Uint8Array): number {
  w.height = height;
  return requireRevealable(w.call(), commitment);
}

function refusedAt(w: DirectCalls, height: number, run: (w: DirectCalls) => unknown) {
  w.height = height;
  return refusal(() => run(w));
}

describe('commitContribution', () => {
  it('stores the commitment at its height and announces it with its sender', () => {
    const w = new DirectCalls();
    commitAt(w, 10, c(1));
    expect(readCommitmentHeight(w.state, c(1))).toBe(10);
    expect(w.events()).toEqual([
      {
        eventName: 'ContributionCommitted',
        args: { commitment: bytesToHex(c(1)), sender: expect.stringMatching(/^0x0{38}a0$/i), height: 10n },
      },
    ]);
  });

  it('refuses value and a commitment still live, up to and including its last reveal block', () => {
    const w = new DirectCalls();
    expect(refusal(() => commitContribution(w.call(OWNER, 1n), c(1)))).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'commitContribution is not payable, but 1 was sent',
    });
    expect(readCommitmentHeight(w.state, c(1))).toBeUndefined();
    commitAt(w, 10, c(1));
    expect(refusedAt(w, 10 + WINDOW, (x) => commitContribution(x.call(), c(1)))).toEqual({
      code: 'DUPLICATE_COMMITMENT',
      message: `commitment ${bytesToHex(c(1))} was already made at height 10 and can be revealed until height 18`,
    });
    expect(readCommitmentHeight(w.state, c(1))).toBe(10);
    // Expired, it may be made again, and then counts from its new height.
    commitAt(w, 11 + WINDOW, c(1));
    expect(readCommitmentHeight(w.state, c(1))).toBe(19);
  });
});

describe('requireRevealable', () => {
  it('opens MIN_REVEAL_DELAY blocks after the commit and closes revealWindowBlocks after it', () => {
    const w = new DirectCalls();
    commitAt(w, 10, c(1));
    expect(refusedAt(w, 12, (x) => requireRevealable(x.call(), c(1)))).toEqual({
      code: 'REVEAL_TOO_EARLY',
      message:
        'commitment made at height 10 can be revealed from height 13 (its sampling seed is the hash of block 11), not at 12',
    });
    expect(revealAt(w, 13, c(1))).toBe(10);
    expect(revealAt(w, 10 + WINDOW, c(1))).toBe(10);
    expect(refusedAt(w, 11 + WINDOW, (x) => requireRevealable(x.call(), c(1)))).toEqual({
      code: 'REVEAL_WINDOW_CLOSED',
      message: 'commitment made at height 10 expired after height 18; commit again',
    });
  });

  it('refuses a commitment never made', () => {
    const w = new DirectCalls();
    const refused = refusedAt(w, 10, (x) => requireRevealable(x.call(), c(7)));
    expect(refused.code).toBe('NO_COMMITMENT');
    expect(refused.message).toMatch(new RegExp(`^no commitment ${bytesToHex(c(7))} of \\(chunkRoot`));
  });
});

describe('the commitment queue', () => {
  it('prunes two expired commitments per commit, oldest first, and none still revealable', () => {
    const w = new DirectCalls();
    for (const n of [1, 2, 3]) commitAt(w, 10, c(n));
    commitAt(w, 11, c(4));
    // At 19, the three of height 10 have expired; the one of height 11 can still be revealed.
    commitAt(w, 19, c(5));
    expect([1, 2, 3].map((n) => readCommitmentHeight(w.state, c(n)))).toEqual([undefined, undefined, 10]);
    // Their queue entries go with them: the queue keeps only what may still be pruned.
    const queued = (i: bigint) => w.state.get(attributionKeys.commitQueue(i));
    expect([1n, 2n, 3n].map((i) => queued(i) === undefined)).toEqual([true, true, false]);
    commitAt(w, 19, c(6));
    expect(readCommitmentHeight(w.state, c(3))).toBeUndefined();
    expect(readCommitmentHeight(w.state, c(4))).toBe(11);
    expect(revealAt(w, 19, c(4))).toBe(11);
    // Once it has expired too, the next commit takes it.
    commitAt(w, 20, c(7));
    expect(readCommitmentHeight(w.state, c(4))).toBeUndefined();
    expect([5, 6, 7].map((n) => readCommitmentHeight(w.state, c(n)))).toEqual([19, 19, 20]);
  });

  it('keeps a commitment made again after it expired when its stale entry is pruned', () => {
    const w = new DirectCalls();
    commitAt(w, 10, c(1));
    // Made again at 19: the same commit prunes the entry of height 10, which names it.
    commitAt(w, 19, c(1));
    expect(readCommitmentHeight(w.state, c(1))).toBe(19);
    expect(revealAt(w, 22, c(1))).toBe(19);
  });
});

// The downtime window's bookkeeping (state/modules/staking/endBlock/signingWindow.ts) on a fresh
// in-memory state: which bits it keeps in which chunk, what it counts, what a reset forgets, and
// that a validator that keeps signing writes nothing.
import { describe, expect, it } from 'vitest';
import { endBlockKeys } from '../../../../../state/modules/staking/endBlock/keys.ts';
import {
  isDowntime,
  recordSignature,
  resetSigningWindow,
  signingStart,
} from '../../../../../state/modules/staking/endBlock/signingWindow.ts';
import { StateOverlay } from '../../../../../state/stateDb.ts';
import { account, consensusKey, ETH, StakingBench } from '../helpers.ts';

const OP = account(1);

function bench(): StakingBench {
  const b = new StakingBench(undefined, [OP]);
  b.createValidator(OP, consensusKey(1), 10n * ETH);
  return b;
}

/** Records one height for OP and returns its missedBlocks as stored afterwards. */
function record(b: StakingBench, height: number, signed: boolean, window: number): number {
  const out = recordSignature(b.state, b.validator(OP), height, signed, window);
  expect(b.validator(OP)).toEqual(out.validator);
  return out.validator.missedBlocks;
}

const chunk = (b: StakingBench, i: number) => b.state.get(endBlockKeys.missedChunk(OP, i));

describe('recordSignature', () => {
  it('starts the window at the first height it sees, and keeps that start', () => {
    const b = bench();
    expect(signingStart(b.state, OP)).toBeUndefined();
    expect(recordSignature(b.state, b.validator(OP), 7, true, 10).startHeight).toBe(7);
    expect(signingStart(b.state, OP)).toBe(7);
    expect(recordSignature(b.state, b.validator(OP), 8, false, 10).startHeight).toBe(7);
    expect(signingStart(b.state, OP)).toBe(7);
  });

  it('counts a miss once per slot and forgets it when the slot is signed a window later', () => {
    const b = bench();
    expect(record(b, 3, false, 10)).toBe(1);
    expect(record(b, 4, false, 10)).toBe(2);
    // Bits 3 and 4 of the first chunk; the chunk is 32 bytes (256 slots).
    expect(chunk(b, 0)).toEqual(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0b11000 : 0)));
    // Height 13 reuses slot 3: signed, it clears that miss; height 14 missed again keeps slot 4's.
    expect(record(b, 13, true, 10)).toBe(1);
    expect(record(b, 14, false, 10)).toBe(1);
    expect(chunk(b, 0)![0]).toBe(0b10000);
    // The last miss cleared: the chunk is deleted, not kept as zeros.
    expect(record(b, 24, true, 10)).toBe(0);
    expect(chunk(b, 0)).toBeUndefined();
  });

  it('keeps slots past the first 256 in later chunks, at their bit', () => {
    const b = bench();
    const window = 600;
    // Slot 300 is bit 44 of chunk 1 (byte 5, bit 4); slot 599 is bit 87 of chunk 2 (byte 10, bit 7).
    expect(record(b, 300, false, window)).toBe(1);
    expect(record(b, 599, false, window)).toBe(2);
    expect(chunk(b, 0)).toBeUndefined();
    expect(chunk(b, 1)![5]).toBe(1 << 4);
    expect(chunk(b, 1)!.filter((x) => x !== 0)).toHaveLength(1);
    expect(chunk(b, 2)![10]).toBe(1 << 7);
    // Slot 300 again (height 900), signed: only that miss is forgotten.
    expect(record(b, 900, true, window)).toBe(1);
    expect(chunk(b, 1)).toBeUndefined();
    expect(chunk(b, 2)![10]).toBe(1 << 7);
    // Slot 44 (height 644) is another bit of another chunk: a miss there is a new one.
    expect(record(b, 644, false, window)).toBe(2);
    expect(chunk(b, 0)![5]).toBe(1 << 4);
  });

  it('writes nothing for a validator whose slot does not change', () => {
    const b = bench();
    record(b, 1, true, 10);
    record(b, 2, false, 10);
    // A block's writes on top of the state so far: signing a clean slot, missing a missed one.
    const block = new StateOverlay(b.state);
    const v = b.validator(OP);
    expect(recordSignature(block, v, 11, true, 10).validator).toBe(v);
    expect(recordSignature(block, v, 12, false, 10).validator).toBe(v);
    expect(block.changes()).toEqual([]);
  });
});

describe('isDowntime', () => {
  it('waits for a full window from the start height', () => {
    // Window 10 from height 5: heights 5..14 are its first full window.
    expect(isDowntime(5, 10, 13, 10, 5_000)).toBe(false);
    expect(isDowntime(5, 10, 14, 10, 5_000)).toBe(true);
  });

  it('jails below floor(window × minSigned) signed blocks, not at it', () => {
    // 10 × 50% = 5 must be signed: 5 misses keep 5 signed, 6 misses leave 4.
    expect(isDowntime(1, 5, 10, 10, 5_000)).toBe(false);
    expect(isDowntime(1, 6, 10, 10, 5_000)).toBe(true);
    // 10 × 55% = 5.5, floored to 5: 5 signed is still enough.
    expect(isDowntime(1, 5, 10, 10, 5_500)).toBe(false);
    expect(isDowntime(1, 6, 10, 10, 5_500)).toBe(true);
    // A minimum of 0 never jails; one of 100% jails for a single miss.
    expect(isDowntime(1, 10, 10, 10, 0)).toBe(false);
    expect(isDowntime(1, 1, 10, 10, 10_000)).toBe(true);
    expect(isDowntime(1, 0, 10, 10, 10_000)).toBe(false);
  });
});

describe('resetSigningWindow', () => {
  it('forgets the start, every chunk of the window and the miss count', () => {
    const b = bench();
    const window = 600;
    record(b, 10, false, window);
    record(b, 300, false, window);
    record(b, 599, false, window);
    record(b, 600, true, window);
    expect(b.validator(OP).missedBlocks).toBe(3);
    resetSigningWindow(b.state, OP, window);
    expect(signingStart(b.state, OP)).toBeUndefined();
    for (const i of [0, 1, 2]) expect(chunk(b, i)).toBeUndefined();
    expect(b.validator(OP).missedBlocks).toBe(0);
    // Tracked again, it starts afresh at the height it is next seen.
    expect(recordSignature(b.state, b.validator(OP), 1_000, true, window).startHeight).toBe(1_000);
    expect(record(b, 1_010, false, window)).toBe(1);
  });

  it('writes nothing for a validator that is not tracked or has no misses', () => {
    const b = bench();
    const untracked = new StateOverlay(b.state);
    resetSigningWindow(untracked, OP, 10);
    expect(untracked.changes()).toEqual([]);
    record(b, 1, true, 10);
    const clean = new StateOverlay(b.state);
    resetSigningWindow(clean, OP, 10);
    // Only the start height is deleted: no chunk was ever written, the record is unchanged.
    expect(clean.changes()).toEqual([{ key: endBlockKeys.signingInfo(OP), value: null }]);
  });
});

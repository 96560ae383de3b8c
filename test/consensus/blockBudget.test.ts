// The proposer's cap on transactions per block (consensus/blockBudget.ts): derived from the recent
// wall-clock time per transaction, half the round's timeoutPropose, never below MIN_SAMPLE_TXS.
import { describe, expect, it } from 'vitest';
import { BlockBudget, BUILD_SHARE, FIRST_CAP, MIN_SAMPLE_TXS } from '../../consensus/blockBudget.ts';

describe('BlockBudget', () => {
  it('caps at FIRST_CAP until a block of MIN_SAMPLE_TXS or more was timed', () => {
    const b = new BlockBudget();
    expect(b.maxTxs(1000)).toBe(FIRST_CAP);
    b.record(MIN_SAMPLE_TXS - 1, 1000); // dominated by the block's fixed cost: not a sample
    b.record(0, 30);
    expect(b.maxTxs(1000)).toBe(FIRST_CAP);
    b.record(MIN_SAMPLE_TXS, 100); // 2 ms a transaction
    expect(b.maxTxs(1000)).toBe(250);
  });

  it('fits BUILD_SHARE of the timeout at the measured rate, and grows with the round timeout', () => {
    const b = new BlockBudget();
    b.record(2000, 400); // 0.2 ms a transaction
    expect(BUILD_SHARE).toBe(0.5);
    expect(b.maxTxs(1000)).toBe(2500);
    expect(b.maxTxs(1500)).toBe(3750);
    expect(b.maxTxs(1001)).toBe(2502); // rounded down
  });

  it('averages the new sample with the past ones, so a slower machine shrinks blocks within a few', () => {
    const b = new BlockBudget();
    b.record(1000, 100); // 0.1 ms
    b.record(1000, 300); // 0.3 ms: (0.1 + 0.3) / 2 = 0.2
    expect(b.maxTxs(1000)).toBe(2500);
    b.record(500, 300); // 0.6 ms: (0.2 + 0.6) / 2 = 0.4
    expect(b.maxTxs(1000)).toBe(1250);
  });

  it('never caps below MIN_SAMPLE_TXS, so capped blocks keep measuring the rate', () => {
    const b = new BlockBudget();
    b.record(MIN_SAMPLE_TXS, 60_000); // 1.2 s a transaction
    expect(b.maxTxs(1000)).toBe(MIN_SAMPLE_TXS);
    expect(b.maxTxs(0)).toBe(MIN_SAMPLE_TXS);
  });
});

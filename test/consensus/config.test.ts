// Engine settings and the ticker.
import { describe, expect, it } from 'vitest';
import { defaultConsensusConfig, resolveConsensusConfig, timeoutDuration } from '../../consensus/config.ts';
import { Ticker } from '../../consensus/ticker.ts';
import { FakeTime } from './harness/fakeTime.ts';

describe('config', () => {
  it('timeouts grow linearly with the round; the commit timeout does not', () => {
    const c = defaultConsensusConfig;
    expect([0, 1, 4].map((r) => timeoutDuration(c, 'propose', r))).toEqual([1000, 1500, 3000]);
    expect([0, 1, 4].map((r) => timeoutDuration(c, 'prevote', r))).toEqual([500, 750, 1500]);
    expect([0, 1, 4].map((r) => timeoutDuration(c, 'precommit', r))).toEqual([500, 750, 1500]);
    expect([0, 4].map((r) => timeoutDuration(c, 'commit', r))).toEqual([1000, 1000]);
  });

  it('overrides are validated', () => {
    expect(resolveConsensusConfig({ timeoutCommitMs: 250 }).timeoutCommitMs).toBe(250);
    expect(() => resolveConsensusConfig({ timeoutProposeMs: -1 })).toThrow(/non-negative integer/);
    expect(() => resolveConsensusConfig({ timeoutPrevoteMs: 1.5 })).toThrow(/non-negative integer/);
    expect(() => resolveConsensusConfig({ futureHeightWindow: 0 })).toThrow(/at least 1/);
  });
});

describe('Ticker', () => {
  it('keeps one timer per key, and cancels', () => {
    const time = new FakeTime(0);
    const ticker = new Ticker(time);
    const fired: string[] = [];
    ticker.schedule('a', 10, () => fired.push('a'));
    ticker.schedule('a', 5, () => fired.push('a again'));
    ticker.schedule('b', 20, () => fired.push('b'));
    ticker.schedule('c', 30, () => fired.push('c'));
    ticker.cancel('b');
    while (time.fireNext());
    expect(fired).toEqual(['a', 'c']);
    // Once fired, the key can be scheduled again.
    ticker.schedule('a', 1, () => fired.push('a2'));
    ticker.schedule('d', 1, () => fired.push('d'));
    ticker.cancelAll();
    while (time.fireNext());
    expect(fired).toEqual(['a', 'c']);
  });
});

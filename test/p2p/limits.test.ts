import { describe, expect, it } from 'vitest';
import { gossipLimits, MAX_INLINE_PROPOSAL_BYTES, maxBlockBytes } from '../../p2p/limits.ts';
import { PeerBuckets, TokenBucket } from '../../p2p/rateLimit.ts';
import { PeerPenalties } from '../../p2p/scoring.ts';
import { ProgressMeter } from '../../p2p/sync/progress.ts';

function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

describe('token buckets', () => {
  it('refill continuously up to the burst and grant partial amounts', () => {
    const c = clock();
    const bucket = new TokenBucket(10, 20, c.now);
    expect(bucket.takeUpTo(15)).toBe(15);
    expect(bucket.takeUpTo(15)).toBe(5);
    expect(bucket.takeUpTo(1)).toBe(0);
    expect(bucket.waitMs()).toBe(100);
    c.t += 250;
    expect(bucket.takeUpTo(15)).toBe(2);
    c.t += 60_000;
    expect(bucket.takeUpTo(100)).toBe(20);
  });

  it('keep peers apart', () => {
    const c = clock();
    const buckets = new PeerBuckets(1, 2, c.now);
    expect([buckets.take('a'), buckets.take('a')].map((r) => r.granted)).toEqual([1, 1]);
    expect(buckets.take('a')).toEqual({ granted: 0, retryAfterMs: 1000 });
    expect(buckets.take('b', 5)).toEqual({ granted: 2, retryAfterMs: 0 });
  });
});

describe('penalties and progress', () => {
  it('penalties add up and halve every ten minutes', () => {
    const c = clock();
    const p = new PeerPenalties(c.now);
    p.add('x', 'low');
    expect(p.add('x', 'low')).toBe(60);
    c.t += 10 * 60_000;
    expect(p.value('x')).toBeCloseTo(30);
    expect(p.value('nobody')).toBe(0);
  });

  it('reports rate and ETA', () => {
    const c = clock();
    const m = new ProgressMeter(100, c.now);
    c.t += 2_000;
    expect(m.sample(300, 1_300, 3)).toEqual({
      height: 300,
      target: 1_300,
      blocksPerSecond: 100,
      etaSeconds: 10,
      peers: 3,
    });
    c.t += 1_000;
    expect(m.sample(300, 1_300, 3).etaSeconds).toBeNull();
  });

  it('derives size limits from the chain parameters', () => {
    const l = { maxTxBytes: 128 * 1024, maxBlockTxBytes: 16 * 1024 * 1024 };
    expect(maxBlockBytes(l)).toBe(16 * 1024 * 1024 + 1024 * 1024 + 1024 * 1024);
    expect(gossipLimits(l)).toEqual({
      tx: 128 * 1024 + 256,
      proposal: MAX_INLINE_PROPOSAL_BYTES,
      vote: 512,
      evidence: 1024,
    });
    const small = { maxTxBytes: 1024, maxBlockTxBytes: 64 * 1024 };
    expect(gossipLimits(small).proposal).toBe(maxBlockBytes(small) + 256);
  });
});

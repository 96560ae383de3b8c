// How a batch runs: its calls start in groups, each group as many as start within one slice of the
// event loop (at most 256), so a group's sender recoveries leave as one worker job and a large batch
// still lets consensus run between groups (rpc/dispatch.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, post, startServer } from './helpers.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await startServer();
});
afterAll(() => fx.server.stop());

const call = (method: string, params: unknown[], id: number) => ({ jsonrpc: '2.0', id, method, params });

describe('batch groups', () => {
  it('starts a batch of cheap calls in groups of at most 256, in order', async () => {
    const res = await post(
      fx.url,
      Array.from({ length: 300 }, (_, id) => call('test_groupSize', [], id)),
    );
    const sizes = (res.json as { id: number; result: number }[]).map((a, i) => {
      expect(a.id).toBe(i);
      return a.result;
    });
    // Each group's elements all report the group's size: the answers are runs of n copies of n.
    const groups: number[] = [];
    for (let i = 0; i < sizes.length; i += sizes[i]!) {
      groups.push(sizes[i]!);
      expect(sizes.slice(i, i + sizes[i]!)).toEqual(Array(sizes[i]).fill(sizes[i]));
    }
    expect(Math.max(...groups)).toBeLessThanOrEqual(256);
    // Starting 33 such calls takes well under a millisecond: more than the old fixed 32 share a group.
    expect(groups[0]).toBeGreaterThan(32);
    expect(groups.reduce((a, b) => a + b)).toBe(300);
  });

  it('closes a group once its calls have held the thread for the slice', async () => {
    // The second call uses more than the 5 ms a group may take to start: the group ends with it,
    // and the last two calls start together in the next one.
    const res = await post(fx.url, [
      call('test_groupSize', [], 0),
      call('test_spin', [6], 1),
      call('test_groupSize', [], 2),
      call('test_groupSize', [], 3),
    ]);
    expect(res.json).toEqual([
      { jsonrpc: '2.0', id: 0, result: 1 },
      { jsonrpc: '2.0', id: 1, result: 6 },
      { jsonrpc: '2.0', id: 2, result: 2 },
      { jsonrpc: '2.0', id: 3, result: 2 },
    ]);
  });
});

// How a batch runs: its calls start in groups, each group as many as start within one slice of the
// event loop (at most 256), so a group's sender recoveries leave as one worker job and a large batch
// still lets consensus run between groups (rpc/dispatch.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Fixture, post, startServer } from './helpers.ts';

// The group budget is wall-clock time, so on a loaded machine a GC pause could split a group. Here
// the clock moves one microsecond each time it is read: which calls share a group then depends on
// the reads the dispatcher and the calls make (test_spin reads it until its milliseconds pass), not
// on the machine.
let fx: Fixture;
beforeAll(async () => {
  let now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => (now += 0.001));
  fx = await startServer();
});
afterAll(async () => {
  await fx.server.stop();
  vi.restoreAllMocks();
});

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
    // Starting 256 such calls reads the clock far less than 5,000 times: the first group is full,
    // where the old fixed slices of 32 made ten groups.
    expect(groups).toEqual([256, 44]);
  });

  it('runs the calls of a group concurrently', async () => {
    // Each call returns only once all four are in flight together; one after another, the first
    // would fail after its bounded wait. This lives here, not with the protocol tests, because on
    // the real clock a GC pause in the first call can close its group and make them sequential.
    const res = await post(
      fx.url,
      [1, 2, 3, 4].map((id) => call('test_rendezvous', [4], id)),
    );
    expect(res.json).toEqual([1, 2, 3, 4].map((id) => ({ jsonrpc: '2.0', id, result: 4 })));
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

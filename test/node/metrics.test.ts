// The node's Prometheus gauges follow the chain on every commit.
import { afterEach, describe, expect, it } from 'vitest';
import { NodeMetrics } from '../../node/metrics.ts';
import { openTestChain, type TestChain } from '../helpers/chain.ts';

let t: TestChain | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

const gauge = async (metrics: NodeMetrics, name: string) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value;

describe('NodeMetrics', () => {
  it("reports the height and the state tree cache's node count after each commit", async () => {
    t = await openTestChain();
    const metrics = new NodeMetrics();
    metrics.watch(t.chain);
    await t.produce();
    await t.produce();
    expect(await gauge(metrics, 'openchain_block_height')).toBe(2);
    const cached = await gauge(metrics, 'openchain_state_tree_cached_nodes');
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBe(t.chain.state.treeCachedNodes);
  });
});

// The node's Prometheus gauges follow the chain on every commit; the process metrics (and the
// event-loop sampler behind their lag gauges) run only on a node that serves them.
import { afterEach, describe, expect, it } from 'vitest';
import { NodeMetrics } from '../../node/metrics.ts';
import { openTestChain, type TestChain } from '../helpers/chain.ts';

let t: TestChain | undefined;
let served: NodeMetrics | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
  await served?.close();
  served = undefined;
});

const LAG_MIN = 'openchain_process_nodejs_eventloop_lag_min_seconds';

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

  it('starts the process metrics, and their event-loop sampler, only when served', async () => {
    const metrics = new NodeMetrics();
    expect(metrics.registry.getSingleMetric(LAG_MIN)).toBeUndefined();
    served = metrics;
    const url = await metrics.serve('127.0.0.1', 0, 100);
    // A few samples: the sampler's timer fires every 100 ms, before this one (timers run in order).
    await new Promise((r) => setTimeout(r, 350));
    const text = await (await fetch(url)).text();
    const min = Number(text.match(new RegExp(`^${LAG_MIN} (\\S+)$`, 'm'))?.[1]);
    // The lag gauges read the interval between samples: at least the configured 100 ms (prom-client's
    // own 10 ms would read about 0.01), and a recorded sample (an empty histogram reads 9.2e9 s).
    expect(min).toBeGreaterThan(0.05);
    expect(min).toBeLessThan(1_000);
  });
});

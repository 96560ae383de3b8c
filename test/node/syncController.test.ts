// SyncController against a real libp2p host: however often consensus or connecting peers ask for
// catch-up, a run (one status request to every peer) starts at most once per MIN_RUN_INTERVAL_MS.
import { afterEach, describe, expect, it } from 'vitest';
import { MIN_RUN_INTERVAL_MS, SyncController } from '../../node/sync.ts';
import { Hosts, log } from '../p2p/helpers.ts';

const hosts = new Hosts();
afterEach(() => hosts.stopAll());

describe('SyncController', () => {
  it('starts at most one run per interval however often it is asked', async () => {
    const host = await hosts.start({ config: { sync: { peerWaitMs: 0 } } });
    const sink = {
      height: () => 0,
      applyBlock: () => Promise.reject(new Error('no blocks expected')),
      prefetch: () => {},
      verifyHead: () => 'unproven' as const,
    };
    const controller = new SyncController(host, sink, log);
    const calls = Math.ceil((2.5 * MIN_RUN_INTERVAL_MS) / 20);
    const started = Date.now();
    for (let i = 0; i < calls; i++) {
      void controller.sync();
      await new Promise((r) => setTimeout(r, 20));
    }
    await controller.sync();
    // The first at once, then at most one per interval of however long the calls took (at least
    // 2.5 intervals; more on a loaded machine): about 3, not one per call.
    const intervals = Math.ceil((Date.now() - started) / MIN_RUN_INTERVAL_MS);
    expect(controller.runs).toBeGreaterThanOrEqual(2);
    expect(controller.runs).toBeLessThanOrEqual(1 + intervals);
    await controller.stop();
  });
});

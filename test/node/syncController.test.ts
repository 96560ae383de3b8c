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
      verifyHead: () => 'unproven' as const,
    };
    const controller = new SyncController(host, sink, log);
    const calls = Math.ceil((2.5 * MIN_RUN_INTERVAL_MS) / 20);
    for (let i = 0; i < calls; i++) {
      void controller.sync();
      await new Promise((r) => setTimeout(r, 20));
    }
    await controller.sync();
    // The first at once, then one per interval: about 3 in 2.5 intervals (not one per call).
    expect(controller.runs).toBeGreaterThanOrEqual(2);
    expect(controller.runs).toBeLessThanOrEqual(4);
    await controller.stop();
  });
});

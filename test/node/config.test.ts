import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../node/config.ts';

describe('node config', () => {
  it('fills defaults for an empty file', () => {
    const c = parseConfig({});
    expect(c.rpc).toMatchObject({ host: '127.0.0.1', port: 8545, enabled: true });
    expect(c.block).toEqual({ intervalMs: 1000, createEmptyBlocks: true, emptyBlocksIntervalMs: 0 });
    expect(c.metrics).toEqual({ enabled: false, host: '127.0.0.1', port: 9615, eventLoopSampleMs: 100 });
  });

  it('names unknown keys and bad values', () => {
    expect(() => parseConfig({ rpc: { prot: 1 } })).toThrow(ConfigError);
    expect(() => parseConfig({ rpc: { prot: 1 } })).toThrow(/config\.rpc: Unrecognized key: "prot"/);
    expect(() => parseConfig({ rpc: { port: 70_000 } })).toThrow(/config\.rpc\.port/);
    expect(() => parseConfig({ block: { intervalMs: 'fast' } })).toThrow(/config\.block\.intervalMs/);
    expect(() => parseConfig({ recovery: { syncThreads: 17 } })).toThrow(/config\.recovery\.syncThreads/);
    expect(() => parseConfig({ recovery: { syncThreads: 1.5 } })).toThrow(/config\.recovery\.syncThreads/);
    for (const eventLoopSampleMs of [0, 2.5, 10_001])
      expect(() => parseConfig({ metrics: { eventLoopSampleMs } })).toThrow(
        /config\.metrics\.eventLoopSampleMs/,
      );
    expect(parseConfig({ metrics: { eventLoopSampleMs: 10_000 } }).metrics.eventLoopSampleMs).toBe(10_000);
  });

  it('leaves the recovery threads to the node unless set', () => {
    expect(parseConfig({}).recovery).toEqual({});
    expect(parseConfig({ recovery: { threads: 1, syncThreads: 2 } }).recovery).toEqual({
      threads: 1,
      syncThreads: 2,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../node/config.ts';
import { nodeClock, TEST_ONLY_ENV } from '../../node/testOnly.ts';
import { startTestNode } from '../helpers/node.ts';
import { waitFor } from '../p2p/helpers.ts';

const allowed = { [TEST_ONLY_ENV]: '1' };

describe('the testOnly config section', () => {
  it('is refused unless OPENCHAIN_TEST_ONLY=1, with a message that says so', () => {
    const json = { testOnly: { byzantine: ['double-vote'] } };
    for (const env of [{}, { [TEST_ONLY_ENV]: '0' }, { [TEST_ONLY_ENV]: 'true' }]) {
      expect(() => parseConfig(json, 'config.json', env)).toThrow(ConfigError);
      expect(() => parseConfig(json, 'config.json', env)).toThrow(/OPENCHAIN_TEST_ONLY=1/);
    }
    expect(parseConfig(json, 'config.json', allowed).testOnly).toEqual({
      clockOffsetMs: 0,
      byzantine: ['double-vote'],
    });
  });

  it('is absent by default, and a config without it needs no environment', () => {
    expect(parseConfig({}, 'config.json', {}).testOnly).toBeUndefined();
  });

  it('rejects unknown modes and fields, and fractional or huge clock offsets', () => {
    for (const testOnly of [
      { byzantine: ['double-sign'] },
      { clockOffset: 5 },
      { clockOffsetMs: 1.5 },
      { clockOffsetMs: 10 ** 12 },
    ]) {
      expect(() => parseConfig({ testOnly }, 'config.json', allowed), JSON.stringify(testOnly)).toThrow(
        ConfigError,
      );
    }
    expect(parseConfig({ testOnly: { clockOffsetMs: -30_000 } }, 'c', allowed).testOnly?.clockOffsetMs).toBe(
      -30_000,
    );
  });
});

describe('the node clock', () => {
  it('is the system clock shifted by clockOffsetMs', () => {
    for (const offset of [-3_600_000, 0, 45_000]) {
      const clock = nodeClock({ clockOffsetMs: offset, byzantine: [] });
      const before = Date.now();
      const now = clock.now();
      const after = Date.now();
      expect(now).toBeGreaterThanOrEqual(before + offset);
      expect(now).toBeLessThanOrEqual(after + offset);
    }
  });
});

describe('a node with a clock offset', () => {
  it('stamps the blocks it proposes with its shifted clock', { timeout: 60_000 }, async () => {
    const hour = 3_600_000;
    process.env[TEST_ONLY_ENV] = '1';
    // Bracketed by the system clock read before the node starts and after the block: true however
    // slowly the machine runs (no tolerance in wall-clock time).
    const before = Date.now();
    const t = await startTestNode({ testOnly: { clockOffsetMs: hour } });
    try {
      await waitFor(() => t.node.chain.head.header.height >= 2, 'two blocks', 30_000);
      const time = t.node.chain.head.header.time;
      expect(time).toBeGreaterThanOrEqual(before + hour);
      expect(time).toBeLessThanOrEqual(Date.now() + hour);
    } finally {
      await t.stop();
      delete process.env[TEST_ONLY_ENV];
    }
  });
});

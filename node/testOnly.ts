// The config's `testOnly` section: switches that make a node deliberately wrong, for fault tests
// (a skewed clock, byzantine behaviour). A node refuses them unless OPENCHAIN_TEST_ONLY=1 is set, so
// a copied test config can never turn a production validator byzantine by accident.
import { z } from 'zod';
import { type Clock, systemClock } from '../consensus/types.ts';

export const TEST_ONLY_ENV = 'OPENCHAIN_TEST_ONLY';

/** The byzantine behaviours a test can switch on (docs/testing.md, "Test-only switches"). */
export const BYZANTINE_MODES = [
  'double-propose',
  'double-vote',
  'vote-invalid',
  'propose-invalid-tx',
  'propose-invalid-attribution',
  'flood-junk',
  'oversized-messages',
  'replay-messages',
  'sync-serve-wrong',
  'sync-withhold',
  'false-height',
] as const;
export type ByzantineMode = (typeof BYZANTINE_MODES)[number];

const DAY_MS = 86_400_000;

export const testOnlySchema = z.strictObject({
  /** Added to the wall clock everything in consensus reads; may be negative. */
  clockOffsetMs: z.number().int().min(-DAY_MS).max(DAY_MS).default(0),
  byzantine: z.array(z.enum(BYZANTINE_MODES)).default([]),
});
export type TestOnlyConfig = z.output<typeof testOnlySchema>;

/** Why a config with a testOnly section is refused in `env`, or undefined if it is allowed. */
export function testOnlyRefusal(env: NodeJS.ProcessEnv): string | undefined {
  if (env[TEST_ONLY_ENV] === '1') return undefined;
  return `config.testOnly: test-only switches make a node deliberately faulty; they are refused unless the environment sets ${TEST_ONLY_ENV}=1`;
}

/** The node's wall clock: the system clock shifted by the test-only offset. */
export function nodeClock(testOnly: TestOnlyConfig | undefined): Clock {
  const offset = testOnly?.clockOffsetMs ?? 0;
  return offset === 0 ? systemClock : { now: () => Date.now() + offset };
}

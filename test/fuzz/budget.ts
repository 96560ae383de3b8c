// Shared settings of the fuzz properties (docs/testing.md, "Fuzzing"). `npm test` runs each with a
// small budget; FUZZ_RUNS=100000 npx vitest run test/fuzz runs them longer (and FUZZ_SEED replays).
import fc from 'fast-check';
import { expect } from 'vitest';

const RUNS = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** fast-check parameters: `base` runs by default, FUZZ_RUNS when set. */
export function budget(base: number): fc.Parameters<unknown> {
  return { numRuns: RUNS ?? base, ...(SEED === undefined ? {} : { seed: SEED }) };
}

/** Whether long runs were asked for (a larger timeout for the test). */
export const LONG = RUNS !== undefined;
export const TIMEOUT_MS = LONG ? 3_600_000 : 30_000;

/** Arbitrary bytes, biased towards short inputs. */
export const anyBytes = (maxLength = 512) => fc.uint8Array({ maxLength });

/**
 * Mutations of a valid encoding: bit flips, truncations, extensions and splices, the shapes that
 * reach deep into a decoder instead of failing on its first byte.
 */
export function mutationsOf(valid: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const base = fc.constantFrom(...valid);
  return fc.oneof(
    fc
      .tuple(
        base,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
      )
      .map(([bytes, flips]) => {
        const out = Uint8Array.from(bytes);
        if (out.length > 0) for (const [at, mask] of flips) out[at % out.length]! ^= mask;
        return out;
      }),
    fc.tuple(base, fc.nat()).map(([bytes, cut]) => bytes.subarray(0, cut % (bytes.length + 1))),
    fc.tuple(base, anyBytes(64)).map(([bytes, tail]) => Uint8Array.from([...bytes, ...tail])),
    fc.tuple(base, fc.nat(), anyBytes(16)).map(([bytes, at, insert]) => {
      const i = at % (bytes.length + 1);
      return Uint8Array.from([...bytes.subarray(0, i), ...insert, ...bytes.subarray(i)]);
    }),
  );
}

/**
 * Runs `decode`; a rejection must be one of the typed errors `allowed` (class, and code when the
 * class has codes). Anything else — a TypeError, a RangeError, an untyped Error — fails the property.
 */
export function rejectsOnlyWith(
  decode: () => unknown,
  allowed: readonly { type: abstract new (...args: never[]) => Error; codes?: readonly string[] }[],
): void {
  try {
    decode();
  } catch (err) {
    const match = allowed.find((a) => err instanceof a.type);
    if (!match) throw new Error(`untyped rejection: ${String(err)}`, { cause: err });
    if (match.codes) expect(match.codes).toContain((err as { code?: string }).code);
    expect((err as Error).message.length).toBeGreaterThan(0);
  }
}

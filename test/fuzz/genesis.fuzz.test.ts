// Genesis files: arbitrary text, arbitrary JSON, and the checked-in genesis with any field replaced
// by any JSON value are either valid or refused with one GenesisError listing every problem as
// `genesis.<path>: reason` — never another exception, and never an empty list.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GenesisError, parseGenesis, parseGenesisText } from '../../genesis/load.ts';
import { budget, TIMEOUT_MS } from './budget.ts';

const vector = JSON.parse(readFileSync(new URL('../genesis/vectors/genesis.json', import.meta.url), 'utf8'))
  .genesis as Record<string, unknown>;

/** Every path to a value in `value` (objects and arrays walked), the root included. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      out.push(...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  }
  return out;
}
const ALL_PATHS = paths(vector).filter((p) => p.length > 0);

/** Sets `path` in `doc` to `value`, unless an earlier change replaced a parent by a non-object. */
function replace(doc: unknown, path: (string | number)[], value: unknown): void {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node !== null && typeof node === 'object')
    (node as Record<string | number, unknown>)[path.at(-1)!] = value;
}

function check(parse: () => unknown): void {
  try {
    parse();
  } catch (err) {
    if (!(err instanceof GenesisError)) throw new Error(`untyped rejection: ${String(err)}`, { cause: err });
    expect(err.code).toBe('INVALID_GENESIS');
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) expect(p).toMatch(/^(genesis[.[:]|not valid JSON)/);
  }
}

describe('fuzz: genesis files', () => {
  it('arbitrary text and JSON', { timeout: TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 })), (text) => {
        check(() => parseGenesisText(text, 'fuzz'));
      }),
      budget(100),
    );
  });

  it('the real genesis with fields replaced by any JSON value', { timeout: TIMEOUT_MS }, () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        '',
        '-1',
        '0',
        '1e3',
        '0x10',
        (2n ** 256n).toString(),
        (2n ** 256n - 1n).toString(),
        2 ** 53,
        -1,
        1.5,
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ALL_PATHS), value), { minLength: 1, maxLength: 3 }),
        (changes) => {
          const g = structuredClone(vector);
          for (const [path, v] of changes) replace(g, path, v);
          check(() => parseGenesis(g));
        },
      ),
      budget(100),
    );
  });
});

// The unit files of a vitest worker share one module graph (vitest.config.ts, `isolate: false`), so a
// file that replaces a module for its own tests would hand the replacement, or miss it, depending on
// which files ran before it in the same worker. Such files are named *.isolated.test.ts and run in a
// project of their own; this keeps a new one from slipping into the shared project.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const MODULE_SWAP = /\bvi\.(mock|doMock|unmock|doUnmock|resetModules)\(/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'e2e' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('unit test isolation', () => {
  const files = sources(join(root, 'test'));
  const swapping = files.filter((path) => MODULE_SWAP.test(readFileSync(path, 'utf8')));

  it('finds the files that swap modules', () => {
    // If the pattern stopped matching, the check below would pass on nothing.
    expect(swapping.map((path) => relative(root, path))).toContain('test/core/hashRouting.isolated.test.ts');
  });

  it('names every file that swaps a module *.isolated.test.ts', () => {
    const shared = swapping.filter((path) => !path.endsWith('.isolated.test.ts'));
    expect(shared.map((path) => relative(root, path))).toEqual([]);
  });
});

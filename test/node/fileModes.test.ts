// Home files are owner-only whatever the umask, and a key others can read is refused. The home is
// written under umask 000 (vitest runs test files in child processes, where process.umask works).
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeyPermissionsError } from '../../core/privateFile.ts';
import { homePaths } from '../../node/home.ts';
import { initHome } from '../../node/init.ts';
import { loadValidatorKey } from '../../node/keys.ts';
import { loadNodeKey, nodeKeyPath } from '../../p2p/nodeKey.ts';

let root: string;
let home: string;

const mode = (path: string) => statSync(path).mode & 0o777;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'openchain-modes-'));
  home = join(root, 'home');
  const umask = process.umask(0);
  try {
    await initHome({ home, chainId: 1337, moniker: 'v0', alloc: [] });
  } finally {
    process.umask(umask);
  }
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('node home file modes', () => {
  it('creates directories 0700 and files 0600 under umask 000', () => {
    const paths = homePaths(home);
    for (const dir of [home, paths.keys, paths.data]) expect(mode(dir), dir).toBe(0o700);
    const files = [paths.config, paths.genesis, ...readdirSync(paths.keys).map((n) => join(paths.keys, n))];
    expect(files.map((f) => f.slice(home.length))).toEqual([
      '/config.json',
      '/genesis.json',
      '/keys/node_key.json',
      '/keys/validator.json',
    ]);
    for (const file of files) expect(mode(file), file).toBe(0o600);
  });

  it('refuses a validator key or node key that group or others can read, naming the fix', () => {
    const paths = homePaths(home);
    expect(() => loadValidatorKey(paths.validatorKey)).not.toThrow();
    for (const [path, load] of [
      [paths.validatorKey, loadValidatorKey],
      [nodeKeyPath(home), loadNodeKey],
    ] as const) {
      for (const bad of [0o644, 0o640, 0o604, 0o620]) {
        chmodSync(path, bad);
        const err = (() => {
          try {
            load(path);
          } catch (e) {
            return e;
          }
        })();
        expect(err).toBeInstanceOf(KeyPermissionsError);
        expect((err as KeyPermissionsError).code).toBe('KEY_PERMISSIONS');
        expect((err as Error).message).toContain(`(mode 0${bad.toString(8)})`);
        expect((err as Error).message).toContain(`chmod 600 ${path}`);
      }
      chmodSync(path, 0o400);
      expect(() => load(path)).not.toThrow();
    }
  });
});

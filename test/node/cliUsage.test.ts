// Mistakes a new user makes on the command line get one clear line, not the whole usage text, and
// leave nothing behind.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliFails } from '../e2e/cli.ts';

describe('command-line usage errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-cli-usage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('init refuses a new chain without an operator account, and writes no home', async () => {
    const home = join(dir, 'no-operator');
    const { code, stderr } = await cliFails('init', '--home', home);
    expect(code).not.toBe(0);
    expect(stderr).toContain('a new chain needs an operator account');
    expect(stderr).toContain('--reward-address, --alloc or --dev-accounts');
    expect(existsSync(home)).toBe(false);
  });

  it('init refuses --treasury with --genesis (it belongs to a new genesis)', async () => {
    const { code, stderr } = await cliFails(
      'init',
      '--home',
      join(dir, 'joining'),
      '--genesis',
      join(dir, 'missing.json'),
      '--treasury',
      '0x00000000000000000000000000000000000fee01',
    );
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/genesis/);
  });

  it('a bad --split names the problem and points to --help instead of printing the usage', async () => {
    const { code, stderr } = await cliFails(
      'model',
      'register',
      '--name',
      'm',
      '--datanets',
      '1',
      '--split',
      '5000,3000,1000',
      '--private-key',
      `0x${'11'.repeat(32)}`,
    );
    expect(code).not.toBe(0);
    expect(stderr).toContain('expected four basis-point shares');
    expect(stderr).toContain('(add --help for usage)');
    expect(stderr).not.toContain('Options:');
  });
});

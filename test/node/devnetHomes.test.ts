// What `openchain devnet` writes before any process runs: the treasury is an account the user holds
// (printed with its key), not the zero address where its share would be burned; each validator
// attests as its operator, from a key file only its owner can read; blocks come for transactions
// after a short commit timeout, with an empty block per idle interval.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPrivateKey, ZERO_ADDRESS } from '../../core/address.ts';
import { hexToBytes } from '../../core/bytes.ts';
import { attestorSigner } from '../../node/attestation/account.ts';
import { loadConfigFile } from '../../node/config.ts';
import { createDevnet, DEVNET_DEFAULTS, devnetBanner, loadDevnet } from '../../node/devnet.ts';
import { homePaths } from '../../node/home.ts';

describe('devnet homes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-devnet-homes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the devnet a treasury whose key it prints, distinct from every other account', async () => {
    const manifest = await createDevnet({ dir, validators: 2, accounts: 3 });
    const treasury = manifest.treasury!;
    expect(addressFromPrivateKey(hexToBytes(treasury.privateKey as `0x${string}`))).toBe(treasury.address);
    expect(treasury.address).not.toBe(ZERO_ADDRESS);
    expect(manifest.accounts.map((a) => a.address)).not.toContain(treasury.address);

    for (const node of manifest.nodes) {
      const genesis = JSON.parse(readFileSync(homePaths(node.home).genesis, 'utf8'));
      expect(genesis.params.treasury).toBe(treasury.address);
      expect(genesis.validators.map((v: { rewardAddress: string }) => v.rewardAddress)).not.toContain(
        treasury.address,
      );
    }
    expect(loadDevnet(dir)).toEqual(manifest);
    // The banner checksums the address; the manifest keeps it lowercase.
    expect(devnetBanner(manifest).toLowerCase()).toContain(
      `treasury (fee and attribution treasury shares): ${treasury.address}  private key ${treasury.privateKey}`,
    );
  });

  it("makes each validator's operator its attestation account, in a 0600 key file", () => {
    const manifest = loadDevnet(dir)!;
    for (const node of manifest.nodes) {
      const { account } = loadConfigFile(homePaths(node.home).config).attestation;
      expect(account).toEqual({ privateKeyFile: 'attestor.key' });
      expect(statSync(join(node.home, 'attestor.key')).mode & 0o777).toBe(0o600);
      expect(attestorSigner(account!, node.home).address).toBe(node.operator.address);
    }
  });

  it('writes the short block interval and blocks on demand, or a block every interval when asked', async () => {
    const block = (manifestDir: string) =>
      loadDevnet(manifestDir)!.nodes.map((n) => loadConfigFile(homePaths(n.home).config).block);
    expect(block(dir)).toEqual(
      Array(2).fill({
        intervalMs: DEVNET_DEFAULTS.blockIntervalMs,
        createEmptyBlocks: false,
        emptyBlocksIntervalMs: DEVNET_DEFAULTS.emptyBlocksIntervalMs,
      }),
    );
    const quiet = join(dir, 'quiet');
    await createDevnet({ dir: quiet, validators: 1, accounts: 1, emptyBlocksIntervalMs: 0 });
    expect(block(quiet)).toEqual([
      { intervalMs: DEVNET_DEFAULTS.blockIntervalMs, createEmptyBlocks: false, emptyBlocksIntervalMs: 0 },
    ]);
    const paced = join(dir, 'paced');
    await createDevnet({ dir: paced, validators: 1, accounts: 1, emptyBlocks: true, blockIntervalMs: 1000 });
    expect(block(paced)).toEqual([{ intervalMs: 1000, createEmptyBlocks: true, emptyBlocksIntervalMs: 0 }]);
  });
});

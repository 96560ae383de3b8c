// `openchain devnet`'s validator operators can use `openchain stake …` out of the box: their
// self-bond is staked at genesis and they hold gas money besides, their keys are in the manifest and
// the banner; idle, the devnet makes an empty block per interval only. A one-validator devnet home run
// in-process (real LevelDB, RPC, block production).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createPublicClient, createWalletClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey, toChecksumAddress } from '../../core/address.ts';
import { hexToBytes } from '../../core/bytes.ts';
import { loadConfigFile } from '../../node/config.ts';
import { createDevnet, DEVNET_DEFAULTS, type DevnetManifest, devnetBanner } from '../../node/devnet.ts';
import { homePaths } from '../../node/home.ts';
import { OpenchainNode } from '../../node/node.ts';
import { rpc } from '../e2e/cli.ts';
import { runProgram } from '../helpers/program.ts';

const SINK = '0x000000000000000000000000000000000000dEaD';

describe('devnet validator operators', () => {
  let dir: string;
  let manifest: DevnetManifest;
  let node: OpenchainNode;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openchain-devnet-'));
    // Port 0 everywhere: the home listens on free ports.
    manifest = await createDevnet({
      dir,
      validators: 1,
      accounts: 1,
      basePort: 0,
      p2pBasePort: 0,
      metricsBasePort: 0,
      blockIntervalMs: 100,
    });
    const home = manifest.nodes[0]!.home;
    node = await OpenchainNode.start({
      home,
      config: loadConfigFile(homePaths(home).config),
      logger: pino({ level: 'silent' }),
    });
    url = node.endpoints.rpcUrl!;
  });

  afterAll(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('are in the manifest and the banner with their keys, and hold gas money besides their stake', async () => {
    const op = manifest.nodes[0]!.operator;
    expect(addressFromPrivateKey(hexToBytes(op.privateKey as `0x${string}`))).toBe(op.address);
    expect(devnetBanner(manifest)).toContain(
      `node0  ${toChecksumAddress(op.address as Address)}  private key ${op.privateKey}`,
    );
    const validator = await rpc<{ operator: string; status: string }>(url, 'open_getValidator', [op.address]);
    expect(validator).toMatchObject({ operator: op.address, status: 'active' });
    expect(BigInt(await rpc<string>(url, 'eth_getBalance', [op.address, 'latest']))).toBe(
      DEVNET_DEFAULTS.operatorBalance,
    );
  });

  it('can run `openchain stake edit-validator` at once', async () => {
    const op = manifest.nodes[0]!.operator;
    const { stdout, error } = await runProgram([
      'stake',
      'edit-validator',
      '--moniker',
      'renamed',
      '--private-key',
      op.privateKey,
      '--rpc',
      url,
    ]);
    expect(error).toBeUndefined();
    expect(JSON.parse(stdout)).toMatchObject({ status: 'success' });
    expect(await rpc(url, 'open_getValidator', [op.address])).toMatchObject({ moniker: 'renamed' });
  });

  it('makes blocks for transactions only, and one empty block per idle interval', async () => {
    const client = createPublicClient({ transport: http(url), pollingInterval: 50 });
    const idleFrom = await client.getBlockNumber();
    // With a block every 100 ms regardless, a second would hold about ten; idle, at most one.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await client.getBlockNumber()).toBeLessThanOrEqual(idleFrom + 1n);
    const [account] = manifest.accounts;
    const wallet = createWalletClient({
      transport: http(url),
      account: privateKeyToAccount(account!.privateKey as `0x${string}`),
    });
    const hash = await wallet.sendTransaction({ to: SINK, value: 1n, chain: null });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    expect(receipt.status).toBe('success');
    // After an idle interval (DEVNET_DEFAULTS.emptyBlocksIntervalMs) the height moves without transactions.
    const after = receipt.blockNumber;
    await expect.poll(() => client.getBlockNumber(), { timeout: 20_000 }).toBeGreaterThan(after);
    const next = await client.getBlock({ blockNumber: after + 1n });
    expect(next.transactions).toHaveLength(0);
  });
});

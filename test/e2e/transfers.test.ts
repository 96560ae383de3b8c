// A single-validator chain started with the real CLI as a separate process, used by viem exactly as
// a wallet would: EIP-1559 and legacy transfers, receipts, balances, nonces and blocks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, createWalletClient, http, parseEther, parseGwei } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccounts } from '../../node/devAccounts.ts';
import { homePaths } from '../../node/home.ts';
import { nodeKeyPath } from '../../p2p/nodeKey.ts';
import { viemChainFor } from '../helpers/node.ts';
import { cli, type NodeProcess, rpc, startNode } from './cli.ts';

const [alice, bob] = devAccounts(2);
const FUNDS = 10_000n * 10n ** 18n;
const REWARD = '0x00000000000000000000000000000000000fee01';

describe('single validator, real process, viem client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-e2e-'));
  const home = join(dir, 'node');
  let node: NodeProcess;
  let url: string;
  let initOutput: string;

  beforeAll(async () => {
    const { stdout } = await cli(
      'init',
      '--home',
      home,
      '--chain-id',
      '4242',
      '--dev-accounts',
      '2',
      '--reward-address',
      REWARD,
    );
    // init prints what a new user needs: the dev accounts' keys and where the treasury share goes.
    expect(JSON.parse(stdout)).toMatchObject({
      chainId: 4242,
      operator: REWARD,
      treasury: REWARD,
      devAccounts: [
        { address: alice!.address, privateKey: alice!.privateKey },
        { address: bob!.address, privateKey: bob!.privateKey },
      ],
    });
    initOutput = stdout;
    node = await startNode(home, '--block-interval', '200', '--log-level', 'debug');
    url = node.rpcUrl;
  });

  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function clients() {
    const chain = viemChainFor(4242, url);
    return {
      pub: createPublicClient({ chain, transport: http(url), pollingInterval: 100 }),
      wallet: createWalletClient({
        chain,
        transport: http(url),
        account: privateKeyToAccount(alice!.privateKey),
      }),
    };
  }

  it('transfers OPEN with EIP-1559 and legacy transactions and reports exact balances', async () => {
    const { pub, wallet } = clients();
    expect(await pub.getChainId()).toBe(4242);
    const value = parseEther('12.5');
    const h1 = await wallet.sendTransaction({ to: bob!.address, value });
    const h2 = await wallet.sendTransaction({
      to: bob!.address,
      value: 7n,
      type: 'legacy',
      gasPrice: parseGwei('3'),
    });
    const r1 = await pub.waitForTransactionReceipt({ hash: h1 });
    const r2 = await pub.waitForTransactionReceipt({ hash: h2 });
    expect(r1.status).toBe('success');
    expect(r2.status).toBe('success');
    expect(r1.gasUsed).toBe(21_000n);
    expect(r2.effectiveGasPrice).toBe(parseGwei('3'));

    const fees = r1.gasUsed * r1.effectiveGasPrice + r2.gasUsed * r2.effectiveGasPrice;
    expect(await pub.getBalance({ address: alice!.address })).toBe(FUNDS - value - 7n - fees);
    expect(await pub.getBalance({ address: bob!.address })).toBe(FUNDS + value + 7n);
    expect(await pub.getTransactionCount({ address: alice!.address })).toBe(2);

    const block = await pub.getBlock({ blockNumber: r1.blockNumber, includeTransactions: true });
    expect(block.hash).toBe(r1.blockHash);
    expect(block.transactions.map((t) => t.hash)).toContain(h1);
    const tx = await pub.getTransaction({ hash: h1 });
    expect(tx.from.toLowerCase()).toBe(alice!.address);
    expect(tx.value).toBe(value);
    expect(tx.type).toBe('eip1559');
  });

  it('rejects bad transactions with a clear error and leaves state untouched', async () => {
    const { pub, wallet } = clients();
    const before = await pub.getBalance({ address: alice!.address });
    const nonce = await pub.getTransactionCount({ address: alice!.address });
    const wrongChain = await privateKeyToAccount(alice!.privateKey).signTransaction({
      chainId: 1,
      to: bob!.address,
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: parseGwei('2'),
      maxPriorityFeePerGas: 0n,
      nonce,
    });
    await expect(rpc(url, 'eth_sendRawTransaction', [wrongChain])).rejects.toThrow(/chain id/);
    await expect(rpc(url, 'eth_sendRawTransaction', ['0xc0ffee'])).rejects.toThrow(/malformed|RLP/i);
    await expect(wallet.sendTransaction({ to: bob!.address, value: FUNDS * 2n })).rejects.toThrow(
      /insufficient funds for transfer/,
    );
    expect(await pub.getBalance({ address: alice!.address })).toBe(before);
    expect(await pub.getTransactionCount({ address: alice!.address, blockTag: 'pending' })).toBe(nonce);
  });

  it('shuts down cleanly on SIGTERM and keeps its chain across a restart', async () => {
    const head = BigInt(await rpc<string>(url, 'eth_blockNumber'));
    const hash = (await rpc<{ hash: string }>(url, 'eth_getBlockByNumber', [`0x${head.toString(16)}`, false]))
      .hash;
    expect(await node.stop()).toBe(0);
    node = await startNode(home, '--block-interval', '200');
    url = node.rpcUrl;
    const again = await rpc<{ hash: string }>(url, 'eth_getBlockByNumber', [`0x${head.toString(16)}`, false]);
    expect(again.hash).toBe(hash);
    expect(BigInt(await rpc<string>(url, 'eth_getBalance', [bob!.address, 'latest']))).toBe(
      FUNDS + parseEther('12.5') + 7n,
    );
  });

  it('with --no-empty-blocks and --empty-blocks-interval, an idle node makes one block per interval', async () => {
    expect(await node.stop()).toBe(0);
    node = await startNode(
      home,
      '--block-interval',
      '50',
      '--no-empty-blocks',
      '--empty-blocks-interval',
      '2000',
    );
    url = node.rpcUrl;
    const height = async () => BigInt(await rpc<string>(url, 'eth_blockNumber'));
    const idleFrom = await height();
    // A block every 50 ms would make about 30 in this time; idle, at most one interval passes.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await height()).toBeLessThanOrEqual(idleFrom + 1n);
    // Without --empty-blocks-interval the height would stay where it is for ever.
    await expect.poll(height, { timeout: 20_000, interval: 200 }).toBeGreaterThan(idleFrom + 1n);
  });

  it('never prints its secret keys, at debug level either (docs/security.md)', () => {
    const secrets = [
      JSON.parse(readFileSync(homePaths(home).validatorKey, 'utf8')).secretKey,
      JSON.parse(readFileSync(nodeKeyPath(home), 'utf8')).privateKey,
    ].map((hex: string) => hex.replace(/^0x/, '').toLowerCase());
    const printed = `${initOutput}\n${JSON.stringify(node.logs)}`.toLowerCase();
    expect(node.logs.some((l) => l['msg'] === 'node running')).toBe(true);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[0-9a-f]{64,}$/);
      expect(printed).not.toContain(secret);
    }
  });
});

// An in-process node on a temporary home (real LevelDB, real RPC server on a free loopback port),
// for RPC tests with a real client. End-to-end tests start real processes instead (test/e2e).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createPublicClient, createWalletClient, defineChain, http, type Chain as ViemChain } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { VestingJson } from '../../genesis/vesting.ts';
import { loadConfigFile, type NodeConfigInput } from '../../node/config.ts';
import { type DevAccount, devAccounts } from '../../node/devAccounts.ts';
import { homePaths } from '../../node/home.ts';
import { type InitOptions, initHome } from '../../node/init.ts';
import { OpenchainNode } from '../../node/node.ts';

export const TEST_BALANCE = 10n ** 22n;

export interface TestNode {
  readonly node: OpenchainNode;
  readonly home: string;
  readonly url: string;
  readonly accounts: readonly DevAccount[];
  readonly viemChain: ViemChain;
  publicClient(): ReturnType<typeof createPublicClient>;
  walletClient(index: number): ReturnType<typeof createWalletClient>;
  stop(): Promise<void>;
}

export function viemChainFor(id: number, url: string): ViemChain {
  return defineChain({
    id,
    name: 'openchain-test',
    nativeCurrency: { name: 'OPEN', symbol: 'OPEN', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}

export async function startTestNode(
  opts: {
    blockIntervalMs?: number;
    /** false: blocks only for transactions, so a test can count blocks without racing the clock. */
    createEmptyBlocks?: boolean;
    accounts?: number;
    rpc?: Record<string, unknown>;
    testOnly?: NodeConfigInput['testOnly'];
    /** The node's attestor (the validator is operated by account 0). */
    attestation?: NodeConfigInput['attestation'];
    /** Time of block 0 (default: now, in whole seconds). */
    genesisTime?: Date;
    /** Unlock schedules of the dev accounts' allocations, by account index. */
    vesting?: readonly (VestingJson | undefined)[];
    /** Chain parameters other than the defaults, and a treasury (default: the zero address). */
    params?: InitOptions['params'];
    treasury?: InitOptions['treasury'];
    /** Governance parameters other than the defaults (e.g. short periods). */
    gov?: InitOptions['gov'];
  } = {},
): Promise<TestNode> {
  const home = mkdtempSync(join(tmpdir(), 'openchain-node-'));
  const accounts = devAccounts(opts.accounts ?? 4);
  await initHome({
    home: join(home, 'n'),
    chainId: 1337,
    moniker: 'test',
    genesisTime: opts.genesisTime,
    alloc: accounts.map((a, i) => {
      const vesting = opts.vesting?.[i];
      return { address: a.address, balance: TEST_BALANCE, ...(vesting && { vesting }) };
    }),
    params: opts.params,
    treasury: opts.treasury,
    gov: opts.gov,
    config: {
      rpc: { ...opts.rpc, port: 0 },
      block: { intervalMs: opts.blockIntervalMs ?? 100, createEmptyBlocks: opts.createEmptyBlocks ?? true },
      p2p: { listen: ['/ip4/127.0.0.1/tcp/0'], sync: { peerWaitMs: 0 } },
      ...(opts.testOnly ? { testOnly: opts.testOnly } : {}),
      ...(opts.attestation ? { attestation: opts.attestation } : {}),
    },
  });
  const nodeHome = join(home, 'n');
  const config = loadConfigFile(homePaths(nodeHome).config);
  const node = await OpenchainNode.start({ home: nodeHome, config, logger: pino({ level: 'silent' }) });
  const url = node.endpoints.rpcUrl!;
  const viemChain = viemChainFor(1337, url);
  return {
    node,
    home: nodeHome,
    url,
    accounts,
    viemChain,
    publicClient: () => createPublicClient({ chain: viemChain, transport: http(url), pollingInterval: 50 }),
    walletClient: (i) =>
      createWalletClient({
        chain: viemChain,
        transport: http(url),
        account: privateKeyToAccount(accounts[i]!.privateKey),
      }),
    async stop() {
      await node.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

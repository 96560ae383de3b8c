// Local devnets: N validator homes sharing one genesis with funded dev accounts, and a launcher that
// runs every node as its own process with its log in its home (`npm start`).
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type Address, toChecksumAddress } from '../core/address.ts';
import { OpenchainError } from '../core/errors.ts';
import { DEV_CHAIN_ID } from '../genesis/defaults.ts';
import { OPEN } from './amount.ts';
import type { NodeConfigInput } from './config.ts';
import { DEV_MNEMONIC, devAccounts } from './devAccounts.ts';
import { homePaths } from './home.ts';
import { makeGenesis, writeHome } from './init.ts';
import { generateValidatorKey } from './keys.ts';
import { connect } from './moduleClient.ts';

export const DEVNET_DEFAULTS = {
  validators: 4,
  accounts: 10,
  balance: 10_000n * OPEN,
  /** Each validator operator's spendable balance besides its self-bond: gas for `openchain stake …`. */
  operatorBalance: 100n * OPEN,
  basePort: 8545,
  p2pBasePort: 26656,
  metricsBasePort: 9615,
  /**
   * The commit timeout: how long a validator waits after a block before proposing the next one when
   * transactions are waiting. Short, so that a transaction is final in about a wallet spinner's
   * time; blocks are still made only when there is something to commit (below). A transaction
   * waits on average half a block period (this plus the three message steps) for its block's round,
   * then one height: at a transfer every 50 ms the p50 at 100 ms was 0.56-0.96 of that at 250 ms,
   * and at most 300 ms in 9 of 10 runs on a busy 2-core machine, for about a quarter more CPU per
   * transfer (more blocks; docs/performance.md "Finality by default").
   */
  blockIntervalMs: 100,
  /**
   * Blocks are made for transactions, and while idle one empty block this long after the commit
   * timeout (an empty block every 4 s, as with the earlier 1 s interval and 3 s wait): four
   * validators sharing a laptop then cost almost nothing at rest, and the height and block time
   * still advance.
   */
  emptyBlocksIntervalMs: 3900,
} as const;

const manifestSchema = z.object({
  chainId: z.number(),
  mnemonic: z.string(),
  nodes: z.array(
    z.object({
      name: z.string(),
      home: z.string(),
      rpcUrl: z.string(),
      p2p: z.string(),
      /** The account that operates the node's validator (its self-bond, rewards, `stake` commands). */
      operator: z.object({ address: z.string(), privateKey: z.string() }),
    }),
  ),
  accounts: z.array(z.object({ address: z.string(), privateKey: z.string() })),
  /** Absent in devnets written before the devnet had a treasury (their treasury is the zero address). */
  treasury: z.object({ address: z.string(), privateKey: z.string() }).optional(),
});
export type DevnetManifest = z.output<typeof manifestSchema>;

export interface DevnetOptions {
  readonly dir: string;
  readonly validators?: number;
  readonly accounts?: number;
  /** RPC port of node0; node i uses base + i (likewise p2p and metrics from their bases). */
  readonly basePort?: number;
  readonly p2pBasePort?: number;
  readonly metricsBasePort?: number;
  readonly blockIntervalMs?: number;
  /**
   * A block every interval even while idle (tests whose windows are counted in blocks); by default
   * an idle devnet makes an empty block every DEVNET_DEFAULTS.emptyBlocksIntervalMs only.
   */
  readonly emptyBlocks?: boolean;
  /** Without emptyBlocks: the idle wait before an empty block (0: none, blocks for transactions only). */
  readonly emptyBlocksIntervalMs?: number;
  /** The address node i listens on for RPC, p2p and metrics (default 127.0.0.1 for all). */
  readonly hosts?: readonly string[];
}

const manifestPath = (dir: string) => join(dir, 'devnet.json');
/** In each devnet home: the validator operator's key, which the node's attestor signs with. */
export const ATTESTOR_KEY_FILE = 'attestor.key';

/**
 * Writes N validator homes sharing one genesis. Every node lists every other as a bootstrap peer
 * (loopback addresses with their peer ids), so the devnet meshes without any discovery.
 */
export async function createDevnet(opts: DevnetOptions): Promise<DevnetManifest> {
  const dir = resolve(opts.dir);
  const n = opts.validators ?? DEVNET_DEFAULTS.validators;
  const count = opts.accounts ?? DEVNET_DEFAULTS.accounts;
  const rpcBase = opts.basePort ?? DEVNET_DEFAULTS.basePort;
  const p2pBase = opts.p2pBasePort ?? DEVNET_DEFAULTS.p2pBasePort;
  const metricsBase = opts.metricsBasePort ?? DEVNET_DEFAULTS.metricsBasePort;
  if (existsSync(manifestPath(dir)))
    throw new OpenchainError('DEVNET_EXISTS', `${dir} already holds a devnet`);
  // Dev accounts are funded; the next n derived accounts operate the validators: their self-bond is
  // staked at genesis, and they hold operatorBalance besides, so they can pay for `stake` commands.
  // The one after is the treasury (a key the user holds, so treasury income is visible, not burned).
  const derived = devAccounts(count + n + 1);
  const funded = derived.slice(0, count);
  const treasury = derived[count + n]!;
  const hostOf = (i: number) => opts.hosts?.[i] ?? '127.0.0.1';
  const nodes = Array.from({ length: n }, (_, i) => ({
    name: `node${i}`,
    home: join(dir, `node${i}`),
    key: generateValidatorKey(),
    reward: derived[count + i]!,
    listen: `/ip4/${hostOf(i)}/tcp/${p2pBase + i}`,
  }));
  const genesis = makeGenesis({
    chainId: DEV_CHAIN_ID,
    treasury: treasury.address,
    alloc: [
      ...funded.map((a) => ({ address: a.address, balance: DEVNET_DEFAULTS.balance })),
      ...nodes.map((v) => ({ address: v.reward.address, balance: DEVNET_DEFAULTS.operatorBalance })),
    ],
    validators: nodes.map((v) => ({ name: v.name, key: v.key, power: 10n, rewardAddress: v.reward.address })),
  });
  const manifest: DevnetManifest = {
    chainId: DEV_CHAIN_ID,
    mnemonic: DEV_MNEMONIC,
    nodes: [],
    accounts: funded,
    treasury,
  };
  const configs: NodeConfigInput[] = [];
  const addresses: string[] = [];
  for (const [i, v] of nodes.entries()) {
    const config: NodeConfigInput = {
      moniker: v.name,
      rpc: { host: hostOf(i), port: rpcBase + i },
      block: {
        intervalMs: opts.blockIntervalMs ?? DEVNET_DEFAULTS.blockIntervalMs,
        ...(opts.emptyBlocks
          ? {}
          : {
              createEmptyBlocks: false,
              emptyBlocksIntervalMs: opts.emptyBlocksIntervalMs ?? DEVNET_DEFAULTS.emptyBlocksIntervalMs,
            }),
      },
      metrics: { enabled: true, host: hostOf(i), port: metricsBase + i },
      // Every devnet node on loopback dials from 127.0.0.1, so the per-IP cap must admit all of them.
      p2p: { listen: [v.listen], maxConnectionsPerIp: Math.max(16, 2 * n), sync: { peerWaitMs: 2000 } },
      log: { format: 'json' },
      // The operator attests: it is the address the chain expects attestations from, and is funded for gas.
      attestation: { account: { privateKeyFile: ATTESTOR_KEY_FILE } },
    };
    const peerId = await writeHome(v.home, { genesis, validatorKey: v.key, config });
    writeFileSync(join(v.home, ATTESTOR_KEY_FILE), `${v.reward.privateKey}\n`, { mode: 0o600 });
    configs.push(config);
    addresses.push(`${v.listen}/p2p/${peerId}`);
    manifest.nodes.push({
      name: v.name,
      home: v.home,
      rpcUrl: `http://${hostOf(i)}:${rpcBase + i}`,
      p2p: addresses[i]!,
      operator: v.reward,
    });
  }
  // Every node bootstraps from all the others, which needs every peer id first.
  for (const [i, v] of nodes.entries()) {
    const bootstrap = addresses.filter((_, j) => j !== i);
    const config = { ...configs[i]!, p2p: { ...configs[i]!.p2p, bootstrap } };
    writeFileSync(homePaths(v.home).config, `${JSON.stringify(config, null, 2)}\n`);
  }
  writeFileSync(manifestPath(dir), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function loadDevnet(dir: string): DevnetManifest | undefined {
  const path = manifestPath(resolve(dir));
  if (!existsSync(path)) return undefined;
  return manifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

const CLI = fileURLToPath(new URL('./bin/openchain.ts', import.meta.url));

async function waitForRpc(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const node = connect(url);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      await node.getBlockNumber({ cacheTime: 0 });
      return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no RPC answer at ${url} within ${timeoutMs} ms`);
}

export interface RunningDevnet {
  readonly manifest: DevnetManifest;
  /** The node processes' ids, in manifest order. */
  readonly pids: readonly (number | undefined)[];
  stop(): Promise<void>;
}

/** Starts every node of the devnet in `dir` as a child process; resolves when all answer RPC. */
export async function runDevnet(
  dir: string,
  onExit: (name: string, code: number | null) => void,
): Promise<RunningDevnet> {
  const manifest = loadDevnet(dir);
  if (!manifest) throw new OpenchainError('NO_DEVNET', `no devnet in ${dir}`);
  const children = manifest.nodes.map((node) => {
    const log = createWriteStream(join(node.home, 'node.log'), { flags: 'a' });
    const child = spawn(process.execPath, [CLI, 'start', '--home', node.home], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.on('exit', (code) => onExit(node.name, code));
    return { node, child };
  });
  const stop = async () => {
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  try {
    await Promise.all(
      children.map(({ node, child }) =>
        waitForRpc(node.rpcUrl, child, 60_000).catch((err: Error) => {
          throw new OpenchainError(
            'DEVNET_START',
            `${node.name} did not start (${err.message}); see ${join(node.home, 'node.log')}`,
          );
        }),
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { manifest, pids: children.map(({ child }) => child.pid), stop };
}

export function removeDevnet(dir: string): void {
  const resolved = resolve(dir);
  // Only ever delete what we created: a directory with a devnet manifest, whose node homes we know.
  const manifest = loadDevnet(resolved);
  if (!manifest) return;
  for (const node of manifest.nodes) rmSync(homePaths(node.home).root, { recursive: true, force: true });
  rmSync(manifestPath(resolved), { force: true });
  mkdirSync(resolved, { recursive: true });
}

/**
 * `openchain testnet`: what to copy where. Node i's home goes to its host (the address it listens
 * on), where `openchain start --home` runs it; its peers dial it at that address.
 */
export function testnetInstructions(manifest: DevnetManifest, dir: string): string {
  const byHost = new Map<string, DevnetManifest['nodes']>();
  for (const node of manifest.nodes) {
    const host = new URL(node.rpcUrl).hostname;
    byHost.set(host, [...(byHost.get(host) ?? []), node]);
  }
  const lines = [
    `testnet written to ${resolve(dir)}: ${manifest.nodes.length} validator(s), chain id ${manifest.chainId}`,
    '',
    'Copy each home to its host and start it there (each host needs openchain installed):',
  ];
  for (const [host, nodes] of byHost) {
    lines.push('', `  on ${host}:`);
    for (const n of nodes) {
      const name = basename(n.home);
      const p2pPort = n.p2p.split('/')[4];
      lines.push(
        `    rsync -a ${n.home}/ ${host}:openchain/${name}/`,
        `    ssh ${host} openchain start --home openchain/${name}    # p2p TCP ${p2pPort} must be reachable from the other hosts; RPC ${n.rpcUrl}`,
      );
    }
  }
  lines.push(
    '',
    `Each home holds its validator's private key: copy it only to its own host. The funded accounts are the well-known dev accounts (mnemonic "${manifest.mnemonic}"); see ${manifestPath(resolve(dir))}.`,
  );
  return lines.join('\n');
}

export function devnetBanner(manifest: DevnetManifest): string {
  const lines = [
    `openchain devnet running: ${manifest.nodes.length} validator(s), chain id ${manifest.chainId}`,
    '',
    ...manifest.nodes.map(
      (n) =>
        `  ${n.name}  RPC ${n.rpcUrl}  WebSocket ${n.rpcUrl.replace('http', 'ws')}  log ${join(n.home, 'node.log')}`,
    ),
    '',
    `Explorer: ${manifest.nodes[0]?.rpcUrl ?? ''}/  (every node's RPC URL serves it in a browser)`,
    '',
    `Funded accounts (${DEVNET_DEFAULTS.balance / OPEN} OPEN each; mnemonic "${manifest.mnemonic}"):`,
    ...manifest.accounts.map(
      (a, i) => `  (${i}) ${toChecksumAddress(a.address as Address)}  private key ${a.privateKey}`,
    ),
    '',
    `Validator operators (self-bond staked, ${DEVNET_DEFAULTS.operatorBalance / OPEN} OPEN each for gas; openchain stake … --private-key):`,
    ...manifest.nodes.map(
      (n) =>
        `  ${n.name}  ${toChecksumAddress(n.operator.address as Address)}  private key ${n.operator.privateKey}`,
    ),
    '',
    ...(manifest.treasury
      ? [
          `Treasury (fee and attribution treasury shares): ${toChecksumAddress(manifest.treasury.address as Address)}  private key ${manifest.treasury.privateKey}`,
          '',
        ]
      : []),
    'Press Ctrl+C to stop. State persists in the devnet directory; use --fresh to start over.',
  ];
  return lines.join('\n');
}

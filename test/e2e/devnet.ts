// A multi-validator devnet of real processes for end-to-end tests: homes written by the same code
// as `openchain devnet`, on free loopback ports, each node started, killed and restarted at will.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { expect } from 'vitest';
import { DEV_CHAIN_ID } from '../../genesis/defaults.ts';
import { parseGenesis } from '../../genesis/load.ts';
import type { NodeConfigInput } from '../../node/config.ts';
import { createDevnet, type DevnetManifest } from '../../node/devnet.ts';
import { homePaths } from '../../node/home.ts';
import { recordGenesis } from '../../node/homeGenesis.ts';
import { cli, launch, type NodeProcess, rpc, startConfiguredNode } from './cli.ts';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with `count` free ports after it (random, so parallel runs rarely collide). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free port range found');
}

export interface TestDevnet {
  readonly dir: string;
  readonly manifest: DevnetManifest;
  /** The running process of node i, if it runs. */
  readonly nodes: (NodeProcess | undefined)[];
  url(i: number): string;
  start(i: number): Promise<NodeProcess>;
  kill(i: number): Promise<void>;
  stop(i: number): Promise<void>;
  close(): Promise<void>;
}

export async function startDevnet(opts: {
  validators: number;
  blockIntervalMs?: number;
  /**
   * False: blocks only for transactions, and while idle one empty block every 3 s (as `npm start`).
   * A window counted in blocks then stays open while the test's CLI processes start, however slowly,
   * and the test closes it with `fillBlocks`. Default true: an empty block every interval.
   */
  emptyBlocks?: boolean;
  /** Test-only switches per node index (the test sets OPENCHAIN_TEST_ONLY=1 for its processes). */
  testOnly?: Readonly<Record<number, NodeConfigInput['testOnly']>>;
  /** Edits the genesis (JSON) before any node starts, e.g. short staking windows for a test. */
  genesis?: (genesis: Record<string, unknown>) => void;
  /** Edits node i's config.json before it first starts. */
  config?: (i: number, config: NodeConfigInput) => NodeConfigInput;
}): Promise<TestDevnet> {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-devnet-'));
  const n = opts.validators;
  // One range: RPC ports, then p2p ports, then metrics ports.
  const base = await freePortRange(3 * n);
  const manifest = await createDevnet({
    dir,
    validators: n,
    basePort: base,
    p2pBasePort: base + n,
    metricsBasePort: base + 2 * n,
    blockIntervalMs: opts.blockIntervalMs ?? 500,
    emptyBlocks: opts.emptyBlocks ?? true,
  });
  if (opts.genesis) {
    const path = homePaths(manifest.nodes[0]!.home).genesis;
    const genesis = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    opts.genesis(genesis);
    // Installed as `openchain genesis install` would, so each home records the edited hash.
    const edited = parseGenesis(genesis, 'edited test genesis');
    for (const node of manifest.nodes) await recordGenesis(node.home, edited);
  }
  const { config } = opts;
  if (config) for (const [i, node] of manifest.nodes.entries()) editConfig(node.home, (c) => config(i, c));
  for (const [i, testOnly] of Object.entries(opts.testOnly ?? {}))
    setTestOnly(manifest.nodes[Number(i)]!.home, testOnly);
  const nodes: (NodeProcess | undefined)[] = Array.from({ length: n });
  // Kept for a failure's post-mortem: a folder per devnet (its temp dir's name), a log per node.
  const keep = process.env.OPENCHAIN_E2E_LOG_DIR;
  const logDir = keep ? join(keep, basename(dir)) : undefined;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const devnet: TestDevnet = {
    dir,
    manifest,
    nodes,
    url: (i) => manifest.nodes[i]!.rpcUrl,
    async start(i) {
      nodes[i] = logDir
        ? await launch(manifest.nodes[i]!.home, [], { logFile: join(logDir, `node${i}.log`) })
        : await startConfiguredNode(manifest.nodes[i]!.home);
      return nodes[i]!;
    },
    async kill(i) {
      await nodes[i]?.kill();
      nodes[i] = undefined;
    },
    async stop(i) {
      await nodes[i]?.stop();
      nodes[i] = undefined;
    },
    async close() {
      await Promise.all(nodes.map((node) => node?.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(manifest.nodes.map((_, i) => devnet.start(i)));
  } catch (err) {
    await devnet.close();
    throw err;
  }
  return devnet;
}

export async function height(url: string): Promise<number> {
  return Number(await rpc<string>(url, 'eth_blockNumber'));
}

/**
 * Polls until `check` holds or the deadline passes, then throws with `what` (a function is asked
 * then, so it can describe what it last saw) and what the last failed check threw, if it threw.
 */
export async function waitFor(
  what: string | (() => string),
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let thrown: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
      thrown = undefined;
    } catch (err) {
      // a node restarting: try again
      thrown = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  const described = typeof what === 'string' ? what : what();
  throw new Error(
    `timed out waiting for ${described}${thrown ? ` (the last check threw: ${errorText(thrown)})` : ''}`,
  );
}

/** An error's message with its cause's (fetch's "fetch failed" hides ECONNREFUSED in the cause). */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause ? `${err.message}: ${errorText(err.cause)}` : err.message;
}

/** Each node's height, or the error that reading it gave (a node down, restarting, or hung). */
async function heightsOf(urls: readonly string[]): Promise<(number | Error)[]> {
  const read = await Promise.allSettled(urls.map(height));
  return read.map((r) => (r.status === 'fulfilled' ? r.value : new Error(errorText(r.reason))));
}

/**
 * Waits until every node at `urls` is at height `block` or above. A timeout names what each node
 * last answered: its height, or why it could not be read (a crashed node refuses the connection).
 */
export async function waitForHeight(
  urls: readonly string[],
  block: number,
  what = `every node to reach block ${block}`,
  timeoutMs?: number,
): Promise<void> {
  let seen: (number | Error)[] = [];
  const described = () =>
    seen.map((h, i) => `${urls[i]} ${typeof h === 'number' ? h : `unreachable (${h.message})`}`).join(', ');
  await waitFor(
    () => `${what} (last seen: ${described()})`,
    async () => {
      seen = await heightsOf(urls);
      return seen.every((h) => typeof h === 'number' && h >= block);
    },
    timeoutMs,
  );
}

/**
 * Makes blocks on a chain that creates them only for transactions: a zero-value self-transfer from
 * `key` (an account the test uses for nothing else), then the next once node `url`'s height has
 * moved, until it is at height `until` or, given a signal, until that aborts.
 */
export async function fillBlocks(url: string, key: Hex, until: number | AbortSignal): Promise<void> {
  const done = (h: number) => (typeof until === 'number' ? h >= until : until.aborted);
  const account = privateKeyToAccount(key);
  let nonce = Number(await rpc<Hex>(url, 'eth_getTransactionCount', [account.address, 'pending']));
  for (let h = await height(url); !done(h); ) {
    const raw = await account.signTransaction({
      chainId: DEV_CHAIN_ID,
      type: 'eip1559',
      nonce: nonce++,
      to: account.address,
      value: 0n,
      gas: 21_000n,
      maxFeePerGas: 10n ** 12n,
      maxPriorityFeePerGas: 0n,
    });
    await rpc(url, 'eth_sendRawTransaction', [raw]);
    const from = h;
    await waitFor(
      `a block after height ${from}`,
      async () => {
        h = await height(url);
        return h > from;
      },
      60_000,
      20,
    );
  }
}

/** Runs `work` while fillBlocks keeps blocks coming, e.g. for reveals due blocks after their commitments. */
export async function withBlocks<T>(url: string, key: Hex, work: () => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const filling = fillBlocks(url, key, stop.signal).then(
    () => undefined,
    (err: unknown) => err,
  );
  let result: T;
  try {
    result = await work();
  } finally {
    stop.abort();
  }
  const failed = await filling;
  if (failed) throw failed;
  return result;
}

export async function blockHashAt(url: string, h: number): Promise<string | undefined> {
  const block = await rpc<{ hash: string } | null>(url, 'eth_getBlockByNumber', [
    `0x${h.toString(16)}`,
    false,
  ]);
  return block?.hash;
}

/** Rewrites a home's config.json with `edit` applied. */
export function editConfig(home: string, edit: (config: NodeConfigInput) => NodeConfigInput): void {
  const path = homePaths(home).config;
  const config = JSON.parse(readFileSync(path, 'utf8')) as NodeConfigInput;
  writeFileSync(path, `${JSON.stringify(edit(config), null, 2)}\n`);
}

/** Writes (or, with undefined, removes) the test-only section of a home's config.json. */
export function setTestOnly(home: string, testOnly: NodeConfigInput['testOnly']): void {
  editConfig(home, (config) => ({ ...config, testOnly }));
}

/** Every height every node at `urls` has agrees across them; returns the lowest common height. */
export async function assertNoFork(urls: readonly string[]): Promise<number> {
  const heights = await Promise.all(urls.map(height));
  const common = Math.min(...heights);
  // Sixteen heights at a time: a chain of hundreds of blocks is compared in seconds, not minutes.
  for (let from = 1; from <= common; from += 16) {
    const batch = Array.from({ length: Math.min(16, common - from + 1) }, (_, i) => from + i);
    const rows = await Promise.all(batch.map((h) => Promise.all(urls.map((u) => blockHashAt(u, h)))));
    for (const [i, hashes] of rows.entries())
      expect(new Set(hashes).size, `height ${batch[i]}: ${hashes.join(' ')}`).toBe(1);
  }
  return common;
}

/** Waits until every node at `urls` is `blocks` past the highest of them now. */
export async function advance(urls: readonly string[], blocks: number, timeoutMs = 60_000): Promise<void> {
  const start = Math.max(...(await Promise.all(urls.map(height))));
  await waitForHeight(urls, start + blocks, `${blocks} more blocks`, timeoutMs);
}

export interface EvidenceEntry {
  readonly validator: string;
  readonly hash: string;
}

export function evidenceAt(url: string, h: number): Promise<EvidenceEntry[]> {
  return rpc<EvidenceEntry[]>(url, 'open_getEvidence', [`0x${h.toString(16)}`]);
}

/** Scans the chain at `url` from height 1 until a block holds evidence against `validator`. */
export async function waitForEvidence(
  url: string,
  validator: string,
  timeoutMs = 120_000,
): Promise<{ height: number; hash: string }> {
  let found: { height: number; hash: string } | undefined;
  let scanned = 0;
  await waitFor(
    `duplicate-vote evidence against ${validator} in a block`,
    async () => {
      const head = await height(url);
      while (!found && scanned < head) {
        scanned++;
        const ev = (await evidenceAt(url, scanned)).find((e) => e.validator === validator);
        if (ev) found = { height: scanned, hash: ev.hash };
      }
      return found !== undefined;
    },
    timeoutMs,
  );
  return found!;
}

/**
 * A new home in the devnet's directory that joins its chain (its genesis, node `peer` to bootstrap
 * from), with the devnet's block settings. `openchain init` writes the default block interval, 1 s,
 * which is the commit timeout: a validator that waits longer after each commit than the others sits
 * in newHeight, sending nothing, while they (with +2/3 of the power without it) decide the height.
 * Such a validator signs only at a height that happens to take longer than 1 s: a twin of it has no
 * vote to conflict with for minutes, and it may be jailed for downtime.
 */
export async function initJoiningHome(devnet: TestDevnet, name: string, peer = 0): Promise<string> {
  const home = join(devnet.dir, name);
  const chain = devnet.manifest.nodes[peer]!;
  await cli(
    'init',
    '--home',
    home,
    '--moniker',
    name,
    '--genesis',
    homePaths(devnet.manifest.nodes[0]!.home).genesis,
    '--bootstrap',
    chain.p2p,
  );
  const { block } = JSON.parse(readFileSync(homePaths(chain.home).config, 'utf8')) as NodeConfigInput;
  editConfig(home, (config) => ({ ...config, block }));
  return home;
}

/**
 * Copies a node's data into another home while the original is stopped (SIGSTOP), so the files are
 * at rest; its pid lock stays behind. A copy starts at the chain's height: a fresh home would sync
 * first, and on a loaded machine it can stay behind the chain for minutes.
 */
export function copyDataAtRest(
  original: { pid: number | undefined },
  from: string,
  to: string,
  exclude: (path: string) => boolean = () => false,
): void {
  const src = homePaths(from);
  const paused = original.pid !== undefined && process.kill(original.pid, 'SIGSTOP');
  try {
    rmSync(homePaths(to).data, { recursive: true, force: true });
    cpSync(src.data, homePaths(to).data, { recursive: true, filter: (p) => p !== src.lock && !exclude(p) });
  } finally {
    if (paused) process.kill(original.pid!, 'SIGCONT');
  }
}

/**
 * A second home for the validator whose home is `of`, running as `original`: the same key and the
 * same data, joined to another node. Impatient timeouts make the twin start each height 10 ms after
 * +2/3 precommitted the last block and prevote nil 1 ms later, before the round's proposal exists,
 * while the original waits the chain's commit timeout (initJoiningHome), gets the proposal and
 * prevotes the block: two votes for one height and round (at a height the twin proposes, they may agree).
 */
export async function initTwinHome(
  devnet: TestDevnet,
  of: string,
  original: NodeProcess,
  name = 'twin',
): Promise<string> {
  const peer = devnet.manifest.nodes.findIndex((n) => n.home !== of);
  const home = await initJoiningHome(devnet, name, peer);
  copyFileSync(homePaths(of).validatorKey, homePaths(home).validatorKey);
  copyDataAtRest({ pid: original.child.pid }, of, home);
  editConfig(home, (config) => ({
    ...config,
    block: { intervalMs: 10 },
    consensus: { timeoutProposeMs: 1, timeoutProposeDeltaMs: 0 },
  }));
  return home;
}

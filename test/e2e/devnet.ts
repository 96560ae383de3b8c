// A multi-validator devnet of real processes for end-to-end tests: homes written by the same code
// as `openchain devnet`, on free loopback ports, each node started, killed and restarted at will.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevnet, type DevnetManifest } from '../../node/devnet.ts';
import { type NodeProcess, rpc, startConfiguredNode } from './cli.ts';

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
  });
  const nodes: (NodeProcess | undefined)[] = Array.from({ length: n });
  const devnet: TestDevnet = {
    dir,
    manifest,
    nodes,
    url: (i) => manifest.nodes[i]!.rpcUrl,
    async start(i) {
      nodes[i] = await startConfiguredNode(manifest.nodes[i]!.home);
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

/** Polls until `check` holds or the deadline passes (then throws with `what`). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // a node restarting: try again
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function blockHashAt(url: string, h: number): Promise<string | undefined> {
  const block = await rpc<{ hash: string } | null>(url, 'eth_getBlockByNumber', [
    `0x${h.toString(16)}`,
    false,
  ]);
  return block?.hash;
}

// The nodes of one harness run: homes written by the same code as `openchain devnet` (validators)
// and `openchain init --genesis` (full nodes), each node a real `openchain start` process on a host
// of its own (network.ts), started, killed, paused and restarted at will.
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadGenesisFile } from '../../genesis/load.ts';
import { createDevnet } from '../../node/devnet.ts';
import { homePaths } from '../../node/home.ts';
import { initHome } from '../../node/init.ts';
import { launch, type NodeProcess } from '../e2e/cli.ts';
import { copyDataAtRest, freePortRange } from '../e2e/devnet.ts';
import type { Manifest } from './manifest.ts';
import { type Host, type Network, UnsupportedFault } from './network.ts';

const run = promisify(execFile);

export interface ClusterNode {
  readonly name: string;
  readonly home: string;
  readonly host: Host;
  readonly rpcUrl: string;
  readonly p2pPort: number;
  /** Its p2p multiaddr with peer id, for bootstrap lists. */
  readonly p2p: string;
  readonly validator: boolean;
  testOnly: boolean;
  proc: NodeProcess | undefined;
  /** Set while `openchain start` has not yet said "node running". */
  starting?: Promise<NodeProcess>;
  paused: boolean;
  restarts: number;
  /** Mount point of its tmpfs data directory, if it has one. */
  tmpfs?: string;
}

export interface Cluster {
  readonly dir: string;
  readonly network: Network;
  readonly nodes: Map<string, ClusterNode>;
  /** Funded dev accounts from the genesis (private keys). */
  readonly accounts: { address: string; privateKey: string }[];
  readonly genesisPath: string;
  start(name: string): Promise<NodeProcess>;
  kill(name: string): Promise<void>;
  pause(name: string): void;
  resume(name: string): void;
  /** Resident memory of the node's process in bytes (undefined while it is down). */
  rss(name: string): number | undefined;
  /** A new node with a copy of `of`'s validator key: the second signer of a double sign. */
  startTwin(of: string): Promise<ClusterNode>;
  close(): Promise<void>;
}

function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function patchConfig(home: string, patch: (config: Record<string, unknown>) => void): void {
  const path = homePaths(home).config;
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  patch(config);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
}

/** One level deep: a manifest's `config: { consensus: {...} }` adds to the section, not replaces it. */
function merge(config: Record<string, unknown>, extra: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(extra)) {
    const current = config[key];
    config[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? { ...(current as object), ...(value as object) }
        : value;
  }
}

async function mountTmpfs(dir: string, mib: number): Promise<void> {
  // The data written so far (the node key's directory is elsewhere) moves onto the tmpfs.
  const saved = `${dir}.before-tmpfs`;
  renameSync(dir, saved);
  mkdirSync(dir);
  await run('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir]);
  cpSync(saved, dir, { recursive: true });
  rmSync(saved, { recursive: true, force: true });
}

export async function createCluster(m: Manifest, dir: string, network: Network): Promise<Cluster> {
  const names = [
    ...Array.from({ length: m.validators }, (_, i) => `node${i}`),
    ...Array.from({ length: m.fullNodes }, (_, i) => `full${i}`),
  ];
  const hosts = new Map<string, Host>();
  for (const name of names) hosts.set(name, await network.attach(name));
  // In namespaces every node has the same ports on its own address; on loopback, free ones.
  const slots = names.length + 4; // room for twins
  const base = network.mode === 'netns' ? 20_000 : await freePortRange(3 * slots);
  const rpcPort = (i: number) => base + i;
  const p2pPort = (i: number) => base + slots + i;
  const metricsPort = (i: number) => base + 2 * slots + i;

  const devnet = await createDevnet({
    dir,
    validators: m.validators,
    accounts: m.load.senders + 3,
    basePort: rpcPort(0),
    p2pBasePort: p2pPort(0),
    metricsBasePort: metricsPort(0),
    blockIntervalMs: m.blockIntervalMs,
    emptyBlocks: true,
    hosts: names.slice(0, m.validators).map((n) => hosts.get(n)!.ip),
  });
  const genesisPath = homePaths(devnet.nodes[0]!.home).genesis;
  const genesis = loadGenesisFile(genesisPath);
  const nodes = new Map<string, ClusterNode>();
  const mounts: string[] = [];
  const twins: ClusterNode[] = [];
  let nextSlot = names.length;

  const add = (name: string, home: string, i: number, p2p: string, validator: boolean) => {
    const settings = m.nodes[name];
    const host = hosts.get(name)!;
    patchConfig(home, (config) => {
      merge(config, settings?.config ?? {});
      if (settings?.testOnly) config['testOnly'] = settings.testOnly;
    });
    nodes.set(name, {
      name,
      home,
      host,
      rpcUrl: `http://${host.ip}:${rpcPort(i)}`,
      p2pPort: p2pPort(i),
      p2p,
      validator,
      testOnly: settings?.testOnly !== undefined,
      proc: undefined,
      paused: false,
      restarts: 0,
    });
  };
  for (const [i, v] of devnet.nodes.entries()) add(v.name, v.home, i, v.p2p, true);

  /**
   * What `openchain init --genesis` does (the same library call, without a process: on a busy
   * machine a CLI start alone can take a minute), then this host's addresses.
   */
  const initFollower = async (name: string, i: number, host: Host) => {
    const home = join(dir, name);
    const listen = `/ip4/${host.ip}/tcp/${p2pPort(i)}`;
    const { peerId } = await initHome({
      home,
      chainId: genesis.chainId,
      moniker: name,
      alloc: [],
      genesis,
      config: {
        rpc: { host: host.ip, port: rpcPort(i) },
        metrics: { enabled: true, host: host.ip, port: metricsPort(i) },
        block: { intervalMs: m.blockIntervalMs },
        p2p: { listen: [listen], bootstrap: devnet.nodes.map((v) => v.p2p), sync: { peerWaitMs: 2000 } },
        log: { format: 'json' },
      },
    });
    return { home, p2p: `${listen}/p2p/${peerId}` };
  };
  for (let f = 0; f < m.fullNodes; f++) {
    const name = `full${f}`;
    const i = m.validators + f;
    const { home, p2p } = await initFollower(name, i, hosts.get(name)!);
    add(name, home, i, p2p, false);
  }

  const needsTmpfs = new Set(
    m.perturbations
      .flatMap((p) => (p.kind === 'disk-full' ? [p.node] : []))
      .concat(Object.entries(m.nodes).flatMap(([n, s]) => (s.tmpfsMiB ? [n] : []))),
  );
  for (const name of needsTmpfs) {
    if (network.mode !== 'netns')
      throw new UnsupportedFault(`a tmpfs data directory needs root (${network.reason})`);
    const node = nodes.get(name)!;
    const data = homePaths(node.home).data;
    await mountTmpfs(data, m.nodes[name]?.tmpfsMiB ?? 64);
    mounts.push(data);
    node.tmpfs = data;
  }

  const get = (name: string) => {
    const node = nodes.get(name) ?? twins.find((t) => t.name === name);
    if (!node) throw new Error(`no node ${name}`);
    return node;
  };
  const signal = (name: string, sig: NodeJS.Signals) => {
    const pid = get(name).proc?.child.pid;
    if (pid !== undefined) process.kill(pid, sig);
  };

  const cluster: Cluster = {
    dir,
    network,
    nodes,
    accounts: devnet.accounts,
    genesisPath,
    async start(name) {
      const node = get(name);
      if (node.proc || node.starting) throw new Error(`${name} is already running`);
      const starting = launch(node.home, [], {
        prefix: node.host.prefix,
        env: node.testOnly ? { ...process.env, OPENCHAIN_TEST_ONLY: '1' } : process.env,
        logFile: join(node.home, 'node.log'),
        // The machine may be busy with much else; a slow start is not what the harness tests.
        startTimeoutMs: 180_000,
      });
      node.starting = starting;
      const proc = await starting.finally(() => {
        node.starting = undefined;
      });
      node.proc = proc;
      node.paused = false;
      // If it dies on its own (a halt that exits, disk full), the harness sees it as down.
      proc.child.once('exit', () => {
        if (node.proc === proc) node.proc = undefined;
      });
      return proc;
    },
    async kill(name) {
      const node = get(name);
      // A node still starting is killed once it runs (killing its launcher would orphan nothing,
      // but the next start would find the home locked).
      await node.starting?.catch(() => {});
      if (node.paused) cluster.resume(name);
      await node.proc?.kill();
      node.proc = undefined;
    },
    pause(name) {
      signal(name, 'SIGSTOP');
      get(name).paused = true;
    },
    resume(name) {
      signal(name, 'SIGCONT');
      get(name).paused = false;
    },
    rss: (name) => rssOf(get(name).proc?.child.pid),
    async startTwin(of) {
      const original = get(of);
      const name = `twin${twins.length}-${of}`;
      const host = await network.attach(name);
      const { home, p2p } = await initFollower(name, nextSlot, host);
      copyFileSync(homePaths(original.home).validatorKey, homePaths(home).validatorKey);
      // The twin starts from the original's data, so it signs at the chain's height at once.
      copyDataAtRest(
        { pid: original.paused ? undefined : original.proc?.child.pid },
        original.home,
        home,
        (path) => path.endsWith('harness-filler'),
      );
      // Impatient timeouts make the twin prevote nil while the original waits for the proposal
      // and prevotes the block: two different votes from one validator for one height and round.
      patchConfig(home, (config) => {
        merge(config, {
          block: { intervalMs: 10 },
          consensus: { timeoutProposeMs: 1, timeoutProposeDeltaMs: 0 },
        });
      });
      const twin: ClusterNode = {
        name,
        home,
        host,
        rpcUrl: `http://${host.ip}:${rpcPort(nextSlot)}`,
        p2pPort: p2pPort(nextSlot),
        p2p,
        validator: false,
        testOnly: false,
        proc: undefined,
        paused: false,
        restarts: 0,
      };
      nextSlot++;
      twins.push(twin);
      await cluster.start(name);
      return twin;
    },
    async close() {
      await Promise.all([...nodes.values(), ...twins].map((n) => cluster.kill(n.name).catch(() => {})));
      for (const mount of mounts) await run('umount', ['-l', mount]).catch(() => {});
    },
  };
  return cluster;
}

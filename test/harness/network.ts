// Hosts of their own: every node runs in its own Linux network namespace, joined to a bridge the
// harness creates, with its own address on a private subnet (10.77.X.0/24, X free on this machine).
// Faults between nodes are packet filter rules inside the namespaces (iptables): partitions drop,
// loss drops at random, delay redirects a link through a user-space proxy (this kernel has no netem).
// Without root, `ip` or `iptables`, it falls back to loopback, where network faults are unavailable.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OpenchainError } from '../../core/errors.ts';

const run = promisify(execFile);

export class UnsupportedFault extends OpenchainError<'UNSUPPORTED_FAULT'> {
  constructor(message: string) {
    super('UNSUPPORTED_FAULT', message);
  }
}

/** A place a node runs: its address and the command prefix that puts a process there. */
export interface Host {
  readonly name: string;
  readonly ip: string;
  readonly prefix: readonly string[];
}

export interface Network {
  readonly mode: 'netns' | 'loopback';
  /** Why namespaces are not used (loopback mode). */
  readonly reason?: string;
  /** The address of the harness on the bridge (proxies listen there). */
  readonly gateway: string;
  attach(name: string): Promise<Host>;
  /** Nodes talk only to nodes sharing a group with them; replaces any earlier partition. */
  partition(groups: readonly (readonly string[])[]): Promise<void>;
  heal(): Promise<void>;
  /** Random packet loss in both directions of one link; returns the undo. */
  loss(a: string, b: string, percent: number): Promise<() => Promise<void>>;
  /**
   * Sends new connections from a to b's port `bPort` to `gateway:viaAB` and from b to a's `aPort` to
   * `gateway:viaBA`, and resets the direct ones; returns the undo.
   */
  redirect(link: {
    a: string;
    aPort: number;
    viaAB: number;
    b: string;
    bPort: number;
    viaBA: number;
  }): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const SUBNET_PREFIX = '10.77';
const NS_PREFIX = 'ochar-';

async function sh(cmd: string, ...args: string[]): Promise<string> {
  try {
    return (await run(cmd, args, { timeout: 30_000 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

async function has(cmd: string, ...args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Why this machine cannot give nodes namespaces, or undefined if it can. */
export async function namespaceBlocker(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_NET_ADMIN)';
  if (!(await has('ip', '-V'))) return "no 'ip' command (apt-get install iproute2)";
  if (!(await has('iptables', '-V'))) return "no 'iptables' command (apt-get install iptables)";
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes namespaces and bridges left by harness runs whose process is gone (a kill -9'd run), and
 * any named after this process (an earlier process with the same pid; this process runs one network
 * at a time).
 */
async function removeStale(): Promise<void> {
  const stale = (pid: number) => pid === process.pid || !alive(pid);
  for (const line of (await sh('ip', 'netns', 'list')).split('\n')) {
    const match = /^ochar-(\d+)-\S+/.exec(line);
    if (match && stale(Number(match[1]))) await sh('ip', 'netns', 'del', match[0]).catch(() => {});
  }
  for (const line of (await sh('ip', '-o', 'link', 'show', 'type', 'bridge')).split('\n')) {
    const match = /^\d+: (ochb(\d+))[:@]/.exec(line);
    if (match && stale(Number(match[2]))) await sh('ip', 'link', 'del', match[1]!).catch(() => {});
  }
}

let active = false;

async function freeSubnet(): Promise<number> {
  const used = new Set<number>();
  for (const m of (await sh('ip', '-o', '-4', 'addr')).matchAll(/inet 10\.77\.(\d+)\./g))
    used.add(Number(m[1]));
  const free = Array.from({ length: 254 }, (_, i) => i + 1).filter((x) => !used.has(x));
  if (free.length === 0) throw new Error('no free 10.77.X.0/24 subnet');
  // Random among the free ones, so two runs starting together rarely pick the same.
  return free[Math.floor(Math.random() * free.length)]!;
}

export async function createNetwork(opts: { loopbackOnly?: boolean } = {}): Promise<Network> {
  const blocker = opts.loopbackOnly ? 'loopback requested' : await namespaceBlocker();
  if (blocker) return loopbackNetwork(blocker);
  if (active) throw new Error('one harness network at a time per process (names carry the pid)');
  await removeStale();
  active = true;
  try {
    return await netnsNetwork(process.pid, await freeSubnet(), () => {
      active = false;
    });
  } catch (err) {
    active = false;
    throw err;
  }
}

function loopbackNetwork(reason: string): Network {
  const unsupported = (what: string) => () =>
    Promise.reject(new UnsupportedFault(`${what} needs network namespaces (${reason})`));
  return {
    mode: 'loopback',
    reason,
    gateway: '127.0.0.1',
    attach: async (name) => ({ name, ip: '127.0.0.1', prefix: [] }),
    partition: unsupported('a partition'),
    heal: async () => {},
    loss: unsupported('packet loss'),
    redirect: unsupported('a delayed link'),
    close: async () => {},
  };
}

async function netnsNetwork(pid: number, subnet: number, onClose: () => void): Promise<Network> {
  const bridge = `ochb${pid}`;
  const gateway = `${SUBNET_PREFIX}.${subnet}.1`;
  const hosts = new Map<string, Host & { ns: string }>();
  const namespaces: string[] = [];
  let closed = false;

  const inNs = (ns: string, ...args: string[]) => sh('ip', 'netns', 'exec', ns, ...args);
  const ipt = (host: Host & { ns: string }, ...args: string[]) => inNs(host.ns, 'iptables', '-w', ...args);
  const hostOf = (name: string) => {
    const host = hosts.get(name);
    if (!host) throw new Error(`no host ${name}`);
    return host;
  };

  await sh('ip', 'link', 'add', bridge, 'type', 'bridge');
  await sh('ip', 'addr', 'add', `${gateway}/24`, 'dev', bridge);
  await sh('ip', 'link', 'set', bridge, 'up');

  const network: Network = {
    mode: 'netns',
    gateway,
    async attach(name) {
      const existing = hosts.get(name);
      if (existing) return existing;
      const slot = hosts.size + 10;
      if (slot > 250) throw new Error('too many hosts');
      const ns = `${NS_PREFIX}${pid}-${name}`;
      const veth = `och${pid}v${slot}`;
      const ip = `${SUBNET_PREFIX}.${subnet}.${slot}`;
      await sh('ip', 'netns', 'add', ns);
      namespaces.push(ns);
      await sh('ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      await sh('ip', 'link', 'set', veth, 'master', bridge, 'up');
      await inNs(ns, 'ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0');
      await inNs(ns, 'ip', 'link', 'set', 'eth0', 'up');
      await inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
      const host = { name, ip, ns, prefix: ['ip', 'netns', 'exec', ns] };
      // One chain per kind of fault, so healing one never touches another.
      for (const chain of ['OC_PART', 'OC_LOSS', 'OC_DELAY']) {
        await ipt(host, '-N', chain);
        await ipt(host, '-A', 'INPUT', '-j', chain);
        await ipt(host, '-A', 'OUTPUT', '-j', chain);
      }
      hosts.set(name, host);
      return host;
    },

    async partition(groups) {
      await network.heal();
      const together = (a: string, b: string) => groups.some((g) => g.includes(a) && g.includes(b));
      for (const a of hosts.values())
        for (const b of hosts.values()) {
          if (a === b || together(a.name, b.name)) continue;
          // Hosts in no group (a twin) stay connected to everyone.
          if (!groups.some((g) => g.includes(a.name)) || !groups.some((g) => g.includes(b.name))) continue;
          await ipt(a, '-A', 'OC_PART', '-s', b.ip, '-j', 'DROP');
          await ipt(a, '-A', 'OC_PART', '-d', b.ip, '-j', 'DROP');
        }
    },

    async heal() {
      for (const host of hosts.values()) await ipt(host, '-F', 'OC_PART');
    },

    async loss(a, b, percent) {
      const [ha, hb] = [hostOf(a), hostOf(b)];
      const rule = (peer: Host) => [
        'OC_LOSS',
        '-s',
        peer.ip,
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        (percent / 100).toFixed(4),
        '-j',
        'DROP',
      ];
      await ipt(ha, '-A', ...rule(hb));
      await ipt(hb, '-A', ...rule(ha));
      return async () => {
        if (closed) return;
        await ipt(ha, '-D', ...rule(hb));
        await ipt(hb, '-D', ...rule(ha));
      };
    },

    async redirect({ a, aPort, viaAB, b, bPort, viaBA }) {
      const [ha, hb] = [hostOf(a), hostOf(b)];
      // Traffic from one end to the other's port goes to the proxy on the gateway instead.
      const dnat = (to: Host, port: number, via: number) => [
        '-t',
        'nat',
        '%',
        'OUTPUT',
        '-p',
        'tcp',
        '-d',
        to.ip,
        '--dport',
        `${port}`,
        '-j',
        'DNAT',
        '--to-destination',
        `${gateway}:${via}`,
      ];
      const rules: [Host & { ns: string }, string[]][] = [
        [ha, dnat(hb, bPort, viaAB)],
        [hb, dnat(ha, aPort, viaBA)],
        // Connections made before (and only those, the new ones go to the gateway) are reset, so
        // the peers dial again, through the proxy.
        [ha, ['%', 'OC_DELAY', '-p', 'tcp', '-d', hb.ip, '-j', 'REJECT', '--reject-with', 'tcp-reset']],
        [hb, ['%', 'OC_DELAY', '-p', 'tcp', '-d', ha.ip, '-j', 'REJECT', '--reject-with', 'tcp-reset']],
      ];
      const apply = (op: string) =>
        Promise.all(rules.map(([host, args]) => ipt(host, ...args.map((x) => (x === '%' ? op : x)))));
      await apply('-A');
      return async () => {
        if (!closed) await apply('-D');
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      // Deleting a namespace deletes its end of the veth pair, and with it the bridge port.
      for (const ns of namespaces) await sh('ip', 'netns', 'del', ns).catch(() => {});
      await sh('ip', 'link', 'del', bridge).catch(() => {});
      onClose();
    },
  };
  return network;
}

/** True while `ip netns` still lists a namespace of this harness process (tests check teardown). */
export async function leftovers(pid = process.pid): Promise<string[]> {
  const list = await sh('ip', 'netns', 'list').catch(() => '');
  const bridges = await sh('ip', '-o', 'link', 'show', 'type', 'bridge').catch(() => '');
  return [
    ...list.split('\n').filter((l) => l.startsWith(`${NS_PREFIX}${pid}-`)),
    ...bridges.split('\n').filter((l) => l.includes(`ochb${pid}:`) || l.includes(`ochb${pid}@`)),
  ];
}

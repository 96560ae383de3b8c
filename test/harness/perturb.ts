// Applies a schedule of perturbations to a running cluster, each at its time and for its duration,
// and keeps the state the liveness check needs: which validators are impaired (down, paused, out of
// disk, restarting) and which partition holds.
import {
  closeSync,
  cpSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { homePaths } from '../../node/home.ts';
import { rpc } from '../e2e/cli.ts';
import type { Cluster, ClusterNode } from './cluster.ts';
import type { Perturbation } from './manifest.ts';
import { UnsupportedFault } from './network.ts';
import { startDelayProxy } from './proxy.ts';

const CATCH_UP_MS = 300_000;

export interface AppliedPerturbation {
  readonly atS: number;
  readonly kind: Perturbation['kind'];
  readonly target: string;
  outcome: 'applied' | 'skipped' | 'failed';
  note?: string;
}

/** Sleeps `ms`, or less if the run is being wound up. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}

function targetOf(p: Perturbation): string {
  if (p.kind === 'partition') return p.groups.map((g) => `[${g.join(',')}]`).join(' ');
  if (p.kind === 'delay' || p.kind === 'loss') return p.link.join('<->');
  return p.node;
}

export class Perturber {
  readonly applied: AppliedPerturbation[] = [];
  /** Validators whose double sign the run caused on purpose (evidence must name them). */
  readonly culprits = new Set<string>();
  /** Validators started from old data: evidence against them is a violation. */
  readonly oldDataStarts: string[] = [];
  readonly #impaired = new Map<string, number>();
  #groups: (readonly string[])[] | undefined;
  readonly #undo = new Set<() => Promise<void>>();
  readonly #tasks: Promise<void>[] = [];
  readonly #cluster: Cluster;
  readonly #abort = new AbortController();

  readonly #log: (line: string) => void;

  constructor(cluster: Cluster, log: (line: string) => void) {
    this.#cluster = cluster;
    this.#log = log;
  }

  /**
   * True when the validators that are up and not impaired, connected through the current partition
   * (gossip relays through a node in two groups), hold more than 2/3 of the voting power.
   */
  quorumConnected(): boolean {
    const validators = [...this.#cluster.nodes.values()].filter((n) => n.validator);
    const up = validators.filter((n) => n.proc && !n.paused && !this.#impaired.get(n.name));
    const groups = this.#groups ?? [validators.map((n) => n.name)];
    // Connected components of the up validators, an edge between two that share a group.
    const seen = new Set<string>();
    for (const start of up) {
      if (seen.has(start.name)) continue;
      const component = [start.name];
      seen.add(start.name);
      for (let i = 0; i < component.length; i++) {
        const a = component[i]!;
        for (const b of up)
          if (!seen.has(b.name) && groups.some((g) => g.includes(a) && g.includes(b.name))) {
            seen.add(b.name);
            component.push(b.name);
          }
      }
      // Every validator has the devnet's equal power.
      if (3 * component.length > 2 * validators.length) return true;
    }
    return false;
  }

  /** Runs every perturbation at its time (from `t0`); resolves when all have ended. */
  async run(schedule: readonly Perturbation[], t0: number): Promise<void> {
    // An old-data fault begins at its snapshot.
    const begins = (p: Perturbation) => (p.kind === 'old-data' ? p.snapshotAtS : p.atS);
    for (const p of [...schedule].sort((a, b) => begins(a) - begins(b))) {
      const wait = t0 + begins(p) * 1000 - Date.now();
      if (wait > 0) await sleep(wait, this.#abort.signal);
      if (this.#abort.signal.aborted) break;
      const record: AppliedPerturbation = {
        atS: p.atS,
        kind: p.kind,
        target: targetOf(p),
        outcome: 'applied',
      };
      this.applied.push(record);
      this.#log(`t=${begins(p)}s ${p.kind} ${record.target}`);
      this.#tasks.push(
        this.#apply(p, t0, record).catch((err) => {
          record.outcome = err instanceof UnsupportedFault ? 'skipped' : 'failed';
          record.note = (err as Error).message;
          this.#log(`${p.kind} ${record.target} ${record.outcome}: ${record.note}`);
        }),
      );
    }
    await Promise.all(this.#tasks);
  }

  /** Ends what is in force (network faults, paused and stopped nodes) so the invariants can be checked. */
  async restoreAll(): Promise<void> {
    // Every running fault ends early (its sleep returns) and restarts nothing; then what is left is undone.
    this.#abort.abort();
    await Promise.all(this.#tasks);
    for (const undo of this.#undo) await undo().catch(() => {});
    this.#undo.clear();
    await this.#cluster.network.heal();
    this.#groups = undefined;
    for (const node of this.#cluster.nodes.values()) {
      if (node.paused) this.#cluster.resume(node.name);
      if (!node.proc) {
        await this.#cluster.start(node.name);
        node.restarts++;
      }
    }
  }

  async #impair<T>(name: string, during: () => Promise<T>): Promise<T> {
    this.#impaired.set(name, (this.#impaired.get(name) ?? 0) + 1);
    try {
      return await during();
    } finally {
      this.#impaired.set(name, this.#impaired.get(name)! - 1);
    }
  }

  /** Keeps an undo until it ran (at the end of the fault, or by restoreAll). */
  async #holding(undo: () => Promise<void>, ms: number): Promise<void> {
    this.#undo.add(undo);
    await sleep(ms, this.#abort.signal);
    if (this.#undo.delete(undo)) await undo();
  }

  /**
   * Starts the node again and waits (bounded) until it has caught up: a node still syncing takes no
   * part in consensus, so until then it does not count towards a connected quorum.
   */
  async #restart(name: string): Promise<void> {
    const proc = await this.#cluster.start(name);
    const node = this.#cluster.nodes.get(name)!;
    node.restarts++;
    await this.#caughtUp(node, proc);
  }

  /** Waits (bounded) until `node`, running as `proc`, says it is no longer syncing. */
  async #caughtUp(node: ClusterNode, proc: ClusterNode['proc']): Promise<boolean> {
    const deadline = Date.now() + CATCH_UP_MS;
    while (Date.now() < deadline && !this.#abort.signal.aborted && node.proc === proc) {
      const syncing = await rpc(node.rpcUrl, 'eth_syncing', [], 2_000).catch(() => true);
      if (syncing === false) return true;
      await sleep(1_000, this.#abort.signal);
    }
    return false;
  }

  async #apply(p: Perturbation, t0: number, record: AppliedPerturbation): Promise<void> {
    const c = this.#cluster;
    switch (p.kind) {
      case 'kill':
        return this.#impair(p.node, async () => {
          await c.kill(p.node);
          await sleep(p.downS * 1000, this.#abort.signal);
          if (!this.#abort.signal.aborted) await this.#restart(p.node);
        });
      case 'pause':
        return this.#impair(p.node, async () => {
          c.pause(p.node);
          await this.#holding(async () => c.resume(p.node), p.forS * 1000);
        });
      case 'partition': {
        await c.network.partition(p.groups);
        this.#groups = p.groups;
        return this.#holding(async () => {
          this.#groups = undefined;
          await c.network.heal();
        }, p.forS * 1000);
      }
      case 'loss': {
        const undo = await c.network.loss(p.link[0], p.link[1], p.percent);
        return this.#holding(undo, p.forS * 1000);
      }
      case 'delay': {
        const [a, b] = [c.nodes.get(p.link[0])!, c.nodes.get(p.link[1])!];
        if (c.network.mode !== 'netns')
          throw new UnsupportedFault(`a delayed link needs namespaces (${c.network.reason})`);
        const toB = await startDelayProxy({
          listenHost: c.network.gateway,
          target: { host: b.host.ip, port: b.p2pPort },
          ...p,
        });
        const toA = await startDelayProxy({
          listenHost: c.network.gateway,
          target: { host: a.host.ip, port: a.p2pPort },
          ...p,
        });
        const undoRoute = await c.network.redirect({
          a: a.name,
          aPort: a.p2pPort,
          viaAB: toB.port,
          b: b.name,
          bPort: b.p2pPort,
          viaBA: toA.port,
        });
        return this.#holding(async () => {
          await undoRoute();
          await Promise.all([toB.close(), toA.close()]);
        }, p.forS * 1000);
      }
      case 'clock-skew':
        return this.#impair(p.node, async () => {
          const node = c.nodes.get(p.node)!;
          await c.kill(p.node);
          const path = homePaths(node.home).config;
          const config = JSON.parse(readFileSync(path, 'utf8'));
          config.testOnly = { ...config.testOnly, clockOffsetMs: p.offsetMs };
          writeFileSync(path, JSON.stringify(config, null, 2));
          node.testOnly = true;
          await this.#restart(p.node);
        });
      case 'disk-full':
        return this.#impair(p.node, async () => {
          const node = c.nodes.get(p.node)!;
          if (!node.tmpfs) throw new Error(`${p.node} has no tmpfs`);
          const filler = join(node.tmpfs, 'harness-filler');
          fill(filler);
          await sleep(p.forS * 1000, this.#abort.signal);
          rmSync(filler, { force: true });
          if (!node.proc) {
            record.note = 'the node exited while the disk was full; restarted';
            await this.#restart(p.node);
          }
        });
      case 'wal-truncate':
        return this.#impair(p.node, async () => {
          const node = c.nodes.get(p.node)!;
          await c.kill(p.node);
          const wal = join(homePaths(node.home).data, 'consensus.wal');
          if (existsSync(wal)) {
            // A few bytes off the end lands inside the last record (every record is longer).
            const size = statSync(wal).size;
            truncateSync(wal, Math.max(0, size - 5));
            record.note = `WAL cut from ${size} to ${Math.max(0, size - 5)} bytes`;
          } else record.note = 'no WAL file';
          await this.#restart(p.node);
        });
      case 'old-data': {
        const node = c.nodes.get(p.node)!;
        const data = homePaths(node.home).data;
        const snapshot = `${data}.snapshot`;
        const snapAt = t0 + p.snapshotAtS * 1000 - Date.now();
        if (snapAt > 0) await sleep(snapAt, this.#abort.signal);
        if (this.#abort.signal.aborted) return;
        // Paused for the copy, so the copy is what a crash at that moment would have left.
        c.pause(p.node);
        try {
          cpSync(data, snapshot, { recursive: true });
        } finally {
          c.resume(p.node);
        }
        const at = t0 + p.atS * 1000 - Date.now();
        if (at > 0) await sleep(at, this.#abort.signal);
        if (this.#abort.signal.aborted) return;
        return this.#impair(p.node, async () => {
          await c.kill(p.node);
          const current = `${data}.current`;
          renameSync(data, current);
          cpSync(snapshot, data, { recursive: true });
          try {
            await this.#restart(p.node);
            this.oldDataStarts.push(p.node);
            record.note = 'started from the old copy';
          } catch (err) {
            record.note = `refused to start from the old copy: ${firstLine((err as Error).message)}`;
            rmSync(data, { recursive: true, force: true });
            renameSync(current, data);
            await this.#restart(p.node);
            return;
          }
          rmSync(current, { recursive: true, force: true });
        });
      }
      case 'double-sign': {
        this.culprits.add(p.node);
        const twin = await c.startTwin(p.node);
        // A twin still syncing signs nothing: its `forS` of double signing start once it has
        // caught up (a fresh home syncs the whole chain first, which takes a while under load).
        if (!(await this.#caughtUp(twin, twin.proc))) record.note = 'the twin did not catch up in time';
        await sleep(p.forS * 1000, this.#abort.signal);
        await c.kill(twin.name);
        return;
      }
    }
  }
}

function firstLine(message: string): string {
  const error = message.split('\n').find((l) => /error|refus|cannot|stale|behind/i.test(l));
  return (error ?? message).slice(0, 300);
}

/** Writes zeros until the file system is full. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1 << 20);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

// N validators, each with its own temp dir (WAL, privval state), in-memory app and store, joined by
// the simulated network and driven by fake time. Nodes can be stopped, crashed at their k-th durable
// write (WAL record or privval state), and restarted from the same files. Every signature made is
// recorded so tests can assert that no (validator, height, round, step) was ever signed twice
// differently.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { expect, onTestFinished } from 'vitest';
import type { ConsensusConfig } from '../../../consensus/config.ts';
import { ConsensusEngine } from '../../../consensus/engine.ts';
import { PrivValidator, type SignStep } from '../../../consensus/privval.ts';
import type { ConsensusSigner } from '../../../consensus/types.ts';
import { Wal } from '../../../consensus/wal.ts';
import type { WalEntry } from '../../../consensus/walCodec.ts';
import { bytesToHex } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/hash.ts';
import type { Validator } from '../../../core/validator.ts';
import type { TestValidator } from '../../core/helpers.ts';
import { FakeTime } from './fakeTime.ts';
import { GENESIS_TIME, makeValidators, plain } from './fixtures.ts';
import { silentLogger } from './logger.ts';
import { MemoryApp } from './memoryApp.ts';
import { MemoryStore } from './memoryStore.ts';
import { Random } from './random.ts';
import { SimNetwork } from './simNetwork.ts';

// Crashes are simulated by exceptions right after a write returns, not by power loss, so the files
// can live on tmpfs where fsync is free (it dominates the run time on a real disk).
const FILES = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** Thrown by an injected fault: the process "dies" right after a durable write. */
export class Crash extends Error {}

/** Counts durable writes; throws Crash after the chosen one. */
class Faults {
  writes = 0;
  crashAt: number | undefined;

  afterWrite(): void {
    this.writes++;
    if (this.writes === this.crashAt) throw new Crash(`crash after durable write #${this.writes}`);
  }
}

class FaultyWal extends Wal {
  readonly #faults: Faults;

  constructor(path: string, log: Logger, faults: Faults) {
    super(path, log, 64 * 1024 * 1024);
    this.#faults = faults;
  }

  override write(entry: WalEntry): void {
    super.write(entry);
    this.#faults.afterWrite();
  }

  override async writeDurably(entry: WalEntry): Promise<void> {
    await super.writeDurably(entry);
    this.#faults.afterWrite();
  }

  override async endHeight(height: number): Promise<void> {
    await super.endHeight(height);
    this.#faults.afterWrite();
  }
}

export interface ClusterOptions {
  readonly powers?: readonly bigint[];
  readonly seed?: number;
  readonly config?: Partial<ConsensusConfig>;
  /** Validator-set changes: the set that takes effect after committing a height. */
  readonly changes?: (validators: readonly Validator[]) => ReadonlyMap<number, readonly Validator[]>;
  readonly logger?: Logger;
  /** Fake-clock start; defaults to 10 s after the genesis time. */
  readonly startTime?: number;
}

export interface StartOptions {
  /** Crash after this durable write (counted from the start). */
  readonly crashAt?: number;
  readonly config?: Partial<ConsensusConfig>;
  /** Run without the validator key: a full node following consensus. */
  readonly withoutSigner?: boolean;
  /** Where the WAL file lives (a file system of its own, say); defaults to the node's dir. */
  readonly walDir?: string;
}

export interface ClusterNode {
  readonly id: string;
  readonly index: number;
  readonly validator: TestValidator;
  readonly dir: string;
  readonly app: MemoryApp;
  readonly store: MemoryStore;
  readonly faults: Faults;
  engine: ConsensusEngine | undefined;
  halted: Error | undefined;
}

export class Cluster {
  readonly time: FakeTime;
  readonly rng: Random;
  readonly net: SimNetwork;
  readonly validators: TestValidator[];
  readonly nodes: ClusterNode[];
  readonly #config: Partial<ConsensusConfig>;
  readonly #logger: Logger;
  /** `${validator}/${height}/${round}/${step}` -> digests of everything signed for it. */
  readonly signed = new Map<string, Set<string>>();

  constructor(opts: ClusterOptions = {}) {
    this.time = new FakeTime(opts.startTime ?? GENESIS_TIME + 10_000);
    this.rng = new Random(opts.seed ?? 1);
    this.net = new SimNetwork(this.time, this.rng);
    this.validators = makeValidators(opts.powers ?? [1n, 1n, 1n, 1n], 'node');
    const set = this.validators.map(plain);
    const changes = opts.changes?.(set);
    this.#config = opts.config ?? {};
    this.#logger = opts.logger ?? silentLogger;
    this.nodes = this.validators.map((validator, index) => ({
      id: `n${index}`,
      index,
      validator,
      dir: mkdtempSync(join(FILES, `oc-cluster-n${index}-`)),
      app: new MemoryApp(set, { changes }),
      store: new MemoryStore(),
      faults: new Faults(),
      engine: undefined,
      halted: undefined,
    }));
    for (const node of this.nodes) this.net.join(node.id, Cluster.#peer(node));
    onTestFinished(async () => {
      for (const node of this.nodes) await node.engine?.stop();
      for (const node of this.nodes) rmSync(node.dir, { recursive: true, force: true });
    });
  }

  static #peer(node: ClusterNode) {
    return {
      engine: undefined,
      committed: (h: number) => {
        const stored = node.app.blockAt(h);
        return stored?.commit ? { block: stored.block, commit: stored.commit } : undefined;
      },
      head: () => node.app.height,
    };
  }

  static async start(opts: ClusterOptions = {}, running?: readonly number[]): Promise<Cluster> {
    const cluster = new Cluster(opts);
    for (const node of cluster.nodes) {
      if (!running || running.includes(node.index)) await cluster.startNode(node.index);
    }
    return cluster;
  }

  /** Starts (or restarts, from the same files) a node. */
  async startNode(index: number, opts: StartOptions = {}): Promise<void> {
    const node = this.nodes[index]!;
    node.faults.writes = 0;
    node.faults.crashAt = opts.crashAt;
    node.halted = undefined;
    const privval = new PrivValidator(
      node.validator.secretKey,
      node.validator.pubKey,
      join(node.dir, 'privval.json'),
    );
    const signer: ConsensusSigner = {
      address: privval.address,
      sign: async (height: number, round: number, step: SignStep, bytes: Uint8Array) => {
        const signature = await privval.sign(height, round, step, bytes);
        const key = `${privval.address}/${height}/${round}/${step}`;
        const seen = this.signed.get(key) ?? new Set<string>();
        seen.add(bytesToHex(sha256(bytes)));
        this.signed.set(key, seen);
        node.faults.afterWrite();
        return signature;
      },
    };
    const network = this.net.join(node.id, Cluster.#peer(node));
    const engine = new ConsensusEngine({
      app: node.app,
      network,
      store: node.store,
      wal: new FaultyWal(join(opts.walDir ?? node.dir, 'wal'), this.#logger, node.faults),
      signer: opts.withoutSigner ? undefined : signer,
      config: { ...this.#config, ...opts.config },
      clock: this.time,
      timers: this.time,
      logger: this.#logger.child({ node: node.id }),
      onHalt: (err) => {
        node.halted = err;
      },
    });
    node.engine = engine;
    try {
      await engine.start();
    } catch (err) {
      node.halted = err as Error;
      node.engine = undefined;
      return;
    }
    this.net.attach(node.id, engine);
  }

  /** Stops a node (its files stay). */
  async stopNode(index: number): Promise<void> {
    const node = this.nodes[index]!;
    await node.engine?.stop();
    this.net.attach(node.id, undefined);
    node.engine = undefined;
  }

  /** Lets every engine finish what it is doing (all app calls are in-memory promises). */
  async settle(): Promise<void> {
    do {
      await new Promise((resolve) => setImmediate(resolve));
    } while (this.nodes.some((n) => n.engine?.busy));
    for (const node of this.nodes) {
      if (node.halted && node.engine) {
        this.net.attach(node.id, undefined);
        node.engine = undefined;
      }
    }
  }

  /** Fires timers in order until `done()` or `maxMs` of simulated time pass. */
  async runUntil(done: () => boolean, maxMs: number): Promise<boolean> {
    const deadline = this.time.now() + maxMs;
    await this.settle();
    while (!done()) {
      const at = this.time.nextAt();
      if (at === undefined || at > deadline) {
        this.time.advanceTo(deadline);
        return false;
      }
      this.time.fireNext();
      await this.settle();
    }
    return true;
  }

  run(ms: number): Promise<boolean> {
    return this.runUntil(() => false, ms);
  }

  /** Runs until every listed node (default: all running) has committed `height`. */
  reach(height: number, maxMs = 60_000, nodes?: readonly number[]): Promise<boolean> {
    const list = () =>
      (nodes ?? this.nodes.filter((n) => n.engine).map((n) => n.index)).map((i) => this.nodes[i]!);
    return this.runUntil(() => list().every((n) => n.app.height >= height), maxMs);
  }

  heights(): number[] {
    return this.nodes.map((n) => n.app.height);
  }

  /** Every height committed by two nodes holds the same block, and no step was signed twice. */
  expectSafety(): void {
    const top = Math.max(...this.heights());
    for (let h = 1; h <= top; h++) {
      const hashes = new Set(this.nodes.map((n) => n.app.blockAt(h)?.hash).filter((x) => x !== undefined));
      expect(hashes.size, `height ${h} forked`).toBeLessThanOrEqual(1);
    }
    for (const [key, digests] of this.signed) expect(digests.size, `double sign at ${key}`).toBe(1);
  }
}

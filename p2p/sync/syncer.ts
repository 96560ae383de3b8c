// Catch-up sync: downloads the blocks between our head and the best peer's in batches, several
// peers and several batches at once (at most maxBatchesAhead requested or waiting, which bounds
// memory to that many responses), and applies them strictly in height order through the sink.
// A failed request is retried on another peer; a block the sink rejects is refetched elsewhere
// and its sender penalized. A peer's height counts only when its head commit proves it, and a peer
// that answers nothing useful MAX_MISSES times in a row is penalized and left out of the run, so a
// liar can neither invent a target nor hold one: the run is done when a fresh round of statuses
// shows no peer left that is provably ahead of us.
import type { Logger } from 'pino';
import type { SyncConfig } from '../config.ts';
import { RequestError } from '../errors.ts';
import type { PeerAction } from '../scoring.ts';
import type { PeerHead, SyncClient, VerifiedBlock } from './client.ts';
import { ProgressMeter, type SyncProgress } from './progress.ts';
import { type BlockSink, type HeadProof, isLocalFailure } from './types.ts';

export type SyncerOptions = Pick<
  SyncConfig,
  | 'batchSize'
  | 'maxBatchesAhead'
  | 'perPeerRequests'
  | 'statusIntervalMs'
  | 'progressIntervalMs'
  | 'peerWaitMs'
>;

/** The syncer's view of the host. */
export interface SyncPeers {
  /** Connected, not banned peers. */
  connected(): string[];
  penalize(peerId: string, action: PeerAction, reason: string): void;
}

export interface SyncResult {
  /** Our height when sync finished. */
  readonly height: number;
  /** Blocks applied by this run. */
  readonly applied: number;
  /** Peers whose status we knew at the end. */
  readonly peers: number;
}

interface Batch {
  readonly from: number;
  count: number;
  state: 'queued' | 'loading' | 'ready';
  peer: string | undefined;
  blocks: readonly VerifiedBlock[];
  /** How many of `blocks` were handed to the sink's prefetch (in order, each once). */
  prefetched: number;
  /** Peers that failed this range; skipped until every candidate has failed it. */
  readonly failedPeers: Set<string>;
}

interface PeerStatus {
  /** The height the peer proved (its head commit verified), or ours when it proved nothing more. */
  readonly height: number;
  readonly base: number;
}

/** Loop period when nothing else wakes it: bounds how late aborts and timers are noticed. */
const TICK_MS = 250;
/** Retry delay floor for a peer that said it is rate limiting or busy. */
const MIN_BACKOFF_MS = 100;
/** Ceiling on the wait a peer can ask for: a liar asking for an hour would hold the run that long. */
const MAX_RETRY_AFTER_MS = 1_000;
/**
 * Block requests in a row that a peer answers with nothing (refused as rate limited or busy, timed
 * out, empty, invalid) before the run gives up on it and penalizes it. An honest peer that rate
 * limits us serves between refusals, which resets the count.
 */
const MAX_MISSES = 5;
/**
 * A peer that failed (timeout, bad response, rejected block) rests for this long, doubling per
 * consecutive failure up to MAX_FAULT_BACKOFF_MS, so a silent peer cannot keep stalling the
 * lowest batch for a full request timeout each time.
 */
const FAULT_BACKOFF_MS = 1_000;
const MAX_FAULT_BACKOFF_MS = 30_000;
/**
 * Rejections of the same height before giving up: several peers agreeing on a block the sink
 * refuses points at our own state (or store), not at all of them lying.
 */
const MAX_REJECTIONS_PER_HEIGHT = 5;
/** Pause before fetching again a block our own side could not check. */
const LOCAL_FAILURE_RETRY_MS = 200;

const PENALTY_FOR: Partial<Record<RequestError['code'], PeerAction>> = {
  BAD_RESPONSE: 'low',
  TIMEOUT: 'mid',
  UNAVAILABLE: 'mid',
};

export class BlockSyncer {
  readonly #client: Pick<SyncClient, 'status' | 'blocks'>;
  readonly #peers: SyncPeers;
  readonly #sink: BlockSink;
  readonly #opts: SyncerOptions;
  readonly #log: Logger;
  readonly #onProgress: ((p: SyncProgress) => void) | undefined;

  readonly #statuses = new Map<string, PeerStatus>();
  readonly #batches = new Map<number, Batch>();
  readonly #inflight = new Map<string, number>();
  readonly #lastUsed = new Map<string, number>();
  readonly #backoffUntil = new Map<string, number>();
  readonly #faults = new Map<string, number>();
  readonly #misses = new Map<string, number>();
  /** Peers given up on in this run: not asked again, not counted as ahead. */
  readonly #dropped = new Set<string>();
  /** Per peer, the head commit (height/hash) last proven, so a repeated status costs no verification. */
  readonly #provenHeads = new Map<string, string>();
  readonly #controller = new AbortController();
  #useSeq = 0;
  #next = 0;
  #coverEnd = 0;
  #applied = 0;
  #rejections = { height: 0, count: 0 };
  #refreshing: Promise<void> | undefined;
  #dirty = false;
  #wake: (() => void) | undefined;
  #running = false;

  constructor(
    client: Pick<SyncClient, 'status' | 'blocks'>,
    peers: SyncPeers,
    sink: BlockSink,
    opts: SyncerOptions,
    log: Logger,
    onProgress?: (p: SyncProgress) => void,
  ) {
    this.#client = client;
    this.#peers = peers;
    this.#sink = sink;
    this.#opts = opts;
    this.#log = log;
    this.#onProgress = onProgress;
  }

  /** Syncs until no connected peer is ahead. A syncer runs once; create another to sync again. */
  async run(signal?: AbortSignal): Promise<SyncResult> {
    if (this.#running) throw new Error('a BlockSyncer runs once');
    this.#running = true;
    const abort = () => this.#controller.abort(signal?.reason);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    this.#next = this.#sink.height() + 1;
    this.#coverEnd = this.#next;
    const meter = new ProgressMeter(this.#next - 1);
    const progress = setInterval(() => this.#report(meter), this.#opts.progressIntervalMs);
    progress.unref();
    try {
      return await this.#loop();
    } finally {
      clearInterval(progress);
      signal?.removeEventListener('abort', abort);
      this.#controller.abort(new Error('sync finished'));
    }
  }

  async #loop(): Promise<SyncResult> {
    const signal = this.#controller.signal;
    let lastPeerAt = Date.now();
    await this.#refreshStatuses();
    let lastRefresh = Date.now();
    for (;;) {
      signal.throwIfAborted();
      this.#dirty = false;
      await this.#applyReady();
      this.#forgetGonePeers();
      const now = Date.now();
      if (this.#statuses.size > 0) lastPeerAt = now;
      const loading = [...this.#batches.values()].some((b) => b.state === 'loading');
      if (this.#next > this.#target() && !loading) {
        if (this.#statuses.size > 0 || now - lastPeerAt >= this.#opts.peerWaitMs) {
          // Confirm with fresh statuses: peers may have moved on while we applied.
          await this.#refreshStatuses();
          lastRefresh = Date.now();
          if (this.#next > this.#target()) return this.#result();
          continue;
        }
        void this.#refreshStatuses();
      } else if (now - lastRefresh >= this.#opts.statusIntervalMs) {
        lastRefresh = now;
        void this.#refreshStatuses();
      }
      this.#schedule();
      await this.#sleep(TICK_MS);
    }
  }

  #result(): SyncResult {
    return { height: this.#next - 1, applied: this.#applied, peers: this.#statuses.size };
  }

  #target(): number {
    let best = 0;
    for (const s of this.#statuses.values()) best = Math.max(best, s.height);
    return best;
  }

  #report(meter: ProgressMeter): void {
    const p = meter.sample(this.#next - 1, Math.max(this.#target(), this.#next - 1), this.#statuses.size);
    this.#log.info(p, 'syncing');
    this.#onProgress?.(p);
  }

  /** Asks every connected peer for its status; never rejects. Overlapping calls share one round. */
  #refreshStatuses(): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    const peers = this.#peers.connected().filter((p) => !this.#dropped.has(p));
    // Nobody to ask: no wake-up either, or the loop, waiting up to peerWaitMs for a first peer,
    // would spin (a refresh of nobody resolving and waking it at once, tens of thousands of times).
    if (peers.length === 0) return Promise.resolve();
    this.#refreshing = Promise.all(
      peers.map(async (peer) => {
        try {
          this.#onStatus(peer, await this.#client.status(peer, this.#controller.signal));
        } catch (err) {
          this.#statuses.delete(peer);
          this.#blame(peer, err, 'status');
        }
      }),
    ).then(() => {
      this.#refreshing = undefined;
      this.#notify();
    });
    return this.#refreshing;
  }

  /**
   * Records what a peer can serve. A height above ours counts only if the head commit proves it
   * (sink.verifyHead); otherwise the peer stays known but not ahead. A forged commit is a lie.
   */
  #onStatus(peer: string, head: PeerHead): void {
    if (this.#dropped.has(peer)) return; // dropped while its status was on the way
    const ours = this.#sink.height();
    if (head.height <= ours || head.commit === null) {
      this.#statuses.set(peer, { height: head.height, base: head.baseHeight });
      return;
    }
    const key = `${head.commit.height}/${head.commit.blockHash}`;
    let proof: HeadProof = 'proven';
    if (this.#provenHeads.get(peer) !== key) {
      try {
        proof = this.#sink.verifyHead(head.commit);
      } catch (err) {
        this.#statuses.delete(peer);
        this.#fault(peer, 'low', `status: forged head commit: ${(err as Error).message}`);
        return;
      }
    }
    if (proof === 'unproven') {
      this.#statuses.set(peer, { height: ours, base: head.baseHeight });
      this.#peers.penalize(peer, 'high', `status: height ${head.height} without a commit we can verify`);
      return;
    }
    this.#provenHeads.set(peer, key);
    this.#statuses.set(peer, { height: head.height, base: head.baseHeight });
  }

  #forgetGonePeers(): void {
    const connected = new Set(this.#peers.connected());
    for (const peer of this.#statuses.keys()) if (!connected.has(peer)) this.#statuses.delete(peer);
  }

  #schedule(): void {
    const target = this.#target();
    // Queued batches are only ranges; the cap keeps the map small when the target is far away.
    while (this.#coverEnd <= target && this.#batches.size < this.#opts.maxBatchesAhead * 2) {
      const count = Math.min(this.#opts.batchSize, target - this.#coverEnd + 1);
      this.#addBatch(this.#coverEnd, count);
      this.#coverEnd += count;
    }
    const batches = [...this.#batches.values()];
    let held = batches.filter((b) => b.state !== 'queued').length;
    for (const batch of batches.filter((b) => b.state === 'queued').sort((a, b) => a.from - b.from)) {
      if (held >= this.#opts.maxBatchesAhead) return;
      const peer = this.#pickPeer(batch);
      if (peer === undefined) continue;
      this.#request(batch, peer);
      held++;
    }
  }

  #addBatch(from: number, count: number, failedPeers: Iterable<string> = []): void {
    this.#batches.set(from, {
      from,
      count,
      state: 'queued',
      peer: undefined,
      blocks: [],
      prefetched: 0,
      failedPeers: new Set(failedPeers),
    });
  }

  /** The least loaded, least recently used peer that has the batch's first height. */
  #pickPeer(batch: Batch): string | undefined {
    const now = Date.now();
    let best: string | undefined;
    let bestKey = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    let candidates = 0;
    for (const [peer, s] of this.#statuses) {
      if (s.height < batch.from || s.base > batch.from) continue;
      candidates++;
      if (batch.failedPeers.has(peer) || (this.#backoffUntil.get(peer) ?? 0) > now) continue;
      const load = this.#inflight.get(peer) ?? 0;
      if (load >= this.#opts.perPeerRequests) continue;
      const key = [load, this.#lastUsed.get(peer) ?? -1];
      if (key[0]! < bestKey[0]! || (key[0] === bestKey[0] && key[1]! < bestKey[1]!)) {
        best = peer;
        bestKey = key;
      }
    }
    // Every candidate failed this range once: give them all another chance (penalties, and bans
    // below the score threshold, keep a liar from winning this forever).
    if (best === undefined && candidates > 0 && candidates <= batch.failedPeers.size)
      batch.failedPeers.clear();
    return best;
  }

  #request(batch: Batch, peer: string): void {
    const status = this.#statuses.get(peer)!;
    const count = Math.min(batch.count, status.height - batch.from + 1);
    batch.state = 'loading';
    batch.peer = peer;
    this.#inflight.set(peer, (this.#inflight.get(peer) ?? 0) + 1);
    this.#lastUsed.set(peer, this.#useSeq++);
    this.#client
      .blocks(peer, batch.from, count, this.#controller.signal)
      .then(
        (blocks) => this.#onBlocks(batch, peer, blocks),
        (err: unknown) => this.#onFailure(batch, peer, err),
      )
      .finally(() => {
        this.#inflight.set(peer, this.#inflight.get(peer)! - 1);
        this.#notify();
      });
  }

  #onBlocks(batch: Batch, peer: string, blocks: readonly VerifiedBlock[]): void {
    if (this.#batches.get(batch.from) !== batch) return;
    if (blocks.length === 0) {
      const err = new RequestError(
        'UNAVAILABLE',
        `no blocks from ${batch.from} although its status had them`,
      );
      this.#onFailure(batch, peer, err);
      return;
    }
    if (blocks.length < batch.count) {
      this.#addBatch(batch.from + blocks.length, batch.count - blocks.length);
      batch.count = blocks.length;
    }
    batch.state = 'ready';
    batch.blocks = blocks;
    this.#prefetchAhead(batch);
    this.#faults.delete(peer);
    this.#misses.delete(peer);
  }

  #onFailure(batch: Batch, peer: string, err: unknown): void {
    if (this.#batches.get(batch.from) === batch) {
      batch.state = 'queued';
      batch.peer = undefined;
      batch.failedPeers.add(peer);
    }
    if (err instanceof RequestError && (err.code === 'RATE_LIMITED' || err.code === 'BUSY')) {
      // Not a fault by itself: wait as asked (within reason), and let the peer have this batch again.
      batch.failedPeers.delete(peer);
      const wait = Math.min(Math.max(err.retryAfterMs, MIN_BACKOFF_MS), MAX_RETRY_AFTER_MS);
      this.#backoffUntil.set(peer, Date.now() + wait);
    }
    this.#blame(peer, err, `blocks ${batch.from}+${batch.count}`);
    this.#missed(peer);
  }

  /** A block request that brought nothing; MAX_MISSES in a row and the run gives up on the peer. */
  #missed(peer: string): void {
    if (this.#controller.signal.aborted || this.#dropped.has(peer)) return;
    const misses = (this.#misses.get(peer) ?? 0) + 1;
    this.#misses.set(peer, misses);
    if (misses < MAX_MISSES) return;
    this.#dropped.add(peer);
    this.#statuses.delete(peer);
    this.#log.info({ peer, misses }, 'sync peer served nothing; leaving it out of this run');
    this.#peers.penalize(peer, 'low', `served no blocks in ${misses} requests in a row`);
  }

  #blame(peer: string, err: unknown, what: string): void {
    if (this.#controller.signal.aborted) return;
    if (!(err instanceof RequestError)) {
      this.#log.warn({ peer, err }, `sync ${what} failed unexpectedly`);
      return;
    }
    if (err.code === 'UNREACHABLE') this.#statuses.delete(peer);
    const action = PENALTY_FOR[err.code];
    if (action) this.#fault(peer, action, `${what}: ${err.message}`);
    else this.#log.debug({ peer, code: err.code, err: err.message }, `sync ${what} failed`);
  }

  #fault(peer: string, action: PeerAction, reason: string): void {
    const faults = (this.#faults.get(peer) ?? 0) + 1;
    this.#faults.set(peer, faults);
    const rest = Math.min(FAULT_BACKOFF_MS * 2 ** (faults - 1), MAX_FAULT_BACKOFF_MS);
    this.#backoffUntil.set(peer, Date.now() + rest);
    this.#peers.penalize(peer, action, reason);
  }

  /**
   * Hands a ready batch's blocks to the sink's prefetch, one block per turn of the event loop: a
   * response of 8 MB (50,000 transfers) decoded in one go held the loop for seconds, RPC and gossip
   * waiting, and its first block could not start before its last was decoded. A block whose turn
   * to be applied comes first is handed over then (#applyReady), so each is prefetched once.
   */
  #prefetchAhead(batch: Batch): void {
    if (batch.state !== 'ready' || batch.prefetched >= batch.blocks.length) return;
    if (this.#controller.signal.aborted) return;
    this.#prefetchThrough(batch, batch.prefetched);
    setImmediate(() => this.#prefetchAhead(batch));
  }

  #prefetchThrough(batch: Batch, index: number): void {
    while (batch.prefetched <= index) this.#sink.prefetch(batch.blocks[batch.prefetched++]!.block);
  }

  /**
   * Applies ready batches in height order. A rejected block requeues the rest of its batch and
   * every other batch the same peer delivered: one lie makes all its blocks suspect.
   */
  async #applyReady(): Promise<void> {
    for (
      let batch = this.#batches.get(this.#next);
      batch?.state === 'ready';
      batch = this.#batches.get(this.#next)
    ) {
      this.#batches.delete(batch.from);
      const end = batch.from + batch.count;
      for (const [index, { block, commit }] of batch.blocks.entries()) {
        this.#prefetchThrough(batch, index);
        try {
          await this.#sink.applyBlock(block, commit);
        } catch (err) {
          if (isLocalFailure(err)) {
            // Our side could not check the block: fetch the rest again after a pause, blaming nobody.
            this.#log.warn({ height: this.#next, err: (err as Error).message }, 'synced block not checked');
            batch.state = 'queued';
            this.#addBatch(this.#next, end - this.#next);
            await this.#sleep(LOCAL_FAILURE_RETRY_MS);
            return;
          }
          const liar = batch.peer!;
          this.#rejected(liar, err);
          // Batches replaced here stop being prefetched: their blocks are suspect.
          batch.state = 'queued';
          this.#addBatch(this.#next, end - this.#next, [liar]);
          for (const b of this.#batches.values()) {
            if (b.state === 'ready' && b.peer === liar) {
              b.state = 'queued';
              this.#addBatch(b.from, b.count, [liar]);
            }
          }
          return;
        }
        this.#next++;
        this.#applied++;
      }
    }
  }

  #rejected(peer: string, err: unknown): void {
    const height = this.#next;
    this.#rejections = { height, count: this.#rejections.height === height ? this.#rejections.count + 1 : 1 };
    if (this.#rejections.count > MAX_REJECTIONS_PER_HEIGHT) throw err;
    this.#fault(peer, 'fatal', `block ${height} rejected: ${(err as Error).message}`);
  }

  #notify(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    if (this.#dirty) return Promise.resolve();
    const signal = this.#controller.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }
}

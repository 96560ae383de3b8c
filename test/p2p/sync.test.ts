import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Block, blockHash } from '../../core/block.ts';
import type { Hex } from '../../core/bytes.ts';
import { type Commit, encodeCommit } from '../../core/vote.ts';
import type { P2pConfigInput } from '../../p2p/config.ts';
import { RequestError } from '../../p2p/errors.ts';
import type { P2pHost } from '../../p2p/host.ts';
import { respond } from '../../p2p/reqresp.ts';
import type { SyncProgress } from '../../p2p/sync/progress.ts';
import { BlockSyncer, type SyncResult } from '../../p2p/sync/syncer.ts';
import type { BlockSink, BlockSource, EncodedBlock, HeadProof, SourceStatus } from '../../p2p/sync/types.ts';
import { encodeBlocksResponse, RESPONSE_ERROR } from '../../p2p/wire.ts';
import { arraySource, connect, encodeAll, Hosts, headOf, makeBlocks } from './helpers.ts';

const hosts = new Hosts();
afterEach(() => hosts.stopAll());

const N = 300;
const chain = makeBlocks(N);
const encoded = encodeAll(chain);
const canonical: Hex[] = chain.map((b) => blockHash(b.block.header));

/** Applies blocks in order; a block that is not the canonical one stands for a commit that fails verifyCommit. */
class RecordingSink implements BlockSink {
  head = 0;
  readonly rejected: number[] = [];
  readonly prefetched = new Set<number>();
  /** Every prefetch call's height, in order (a block handed over twice shows twice). */
  readonly prefetchCalls: number[] = [];
  /** Optional: the turn of the event loop each prefetch came in (see turnCounter). */
  turnOf: (() => number) | undefined;
  readonly prefetchTurns: number[] = [];
  /** Heights applied without having been handed to prefetch first. */
  readonly appliedUnprefetched: number[] = [];

  height(): number {
    return this.head;
  }

  async applyBlock(block: Block, commit: Commit): Promise<void> {
    const h = block.header.height;
    if (h !== this.head + 1) throw new Error(`out of order: ${h} after ${this.head}`);
    if (!this.prefetched.has(h)) this.appliedUnprefetched.push(h);
    if (blockHash(block.header) !== canonical[h - 1] || commit.blockHash !== canonical[h - 1]) {
      this.rejected.push(h);
      throw new Error(`commit for block ${h} does not verify`);
    }
    this.head = h;
  }

  prefetch(block: Block): void {
    this.prefetched.add(block.header.height);
    this.prefetchCalls.push(block.header.height);
    if (this.turnOf) this.prefetchTurns.push(this.turnOf());
  }

  /** Stands in for verifyCommitTrusting: a canonical head is proven, one beyond it cannot be told, anything else is forged. */
  verifyHead(commit: Commit): HeadProof {
    if (commit.height > N) return 'unproven';
    if (commit.blockHash !== canonical[commit.height - 1])
      throw new Error(`forged commit for ${commit.height}`);
    return 'proven';
  }
}

/** Counts the blocks a source hands out. */
function counting(source: BlockSource): BlockSource & { served: number } {
  const counted = {
    served: 0,
    status: () => source.status(),
    *blocks(from: number, count: number) {
      for (const b of source.blocks(from, count) as Iterable<EncodedBlock>) {
        counted.served++;
        yield b;
      }
    },
  };
  return counted;
}

const fast: P2pConfigInput = {
  sync: {
    batchSize: 16,
    maxBatchesAhead: 8,
    progressIntervalMs: 100,
    statusIntervalMs: 200,
    peerWaitMs: 200,
  },
};

async function servers(sources: BlockSource[], config: P2pConfigInput = {}): Promise<P2pHost[]> {
  return Promise.all(
    sources.map(async (s) => {
      const h = await hosts.start({ config });
      await h.serveBlocks(s);
      return h;
    }),
  );
}

describe('block sync', () => {
  it('waits peerWaitMs for a first peer on its tick, without spinning', async () => {
    let asked = 0;
    const peers = {
      connected: () => {
        asked++;
        return [];
      },
      penalize: () => {},
    };
    const client = {
      status: () => Promise.reject(new Error('no peer to ask')),
      blocks: () => Promise.reject(new Error('no peer to ask')),
    };
    const opts = {
      batchSize: 16,
      maxBatchesAhead: 8,
      perPeerRequests: 2,
      statusIntervalMs: 200,
      progressIntervalMs: 100,
      peerWaitMs: 600,
    };
    // The syncer's own clock (Date and its timers) is driven by the test, so the wait is checked
    // in the syncer's time, however loaded the machine is.
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const syncer = new BlockSyncer(client, peers, new RecordingSink(), opts, pino({ level: 'silent' }));
      let result: SyncResult | undefined;
      const running = syncer.run(new AbortController().signal).then((r) => {
        result = r;
      });
      await vi.advanceTimersByTimeAsync(500);
      expect(result).toBeUndefined();
      await vi.advanceTimersByTimeAsync(500);
      await running;
      expect(result).toEqual({ height: 0, applied: 0, peers: 0 });
      // A few looks per 250 ms tick; the loop used to spin (hundreds of thousands of looks).
      expect(asked).toBeLessThan(40);
    } finally {
      vi.useRealTimers();
    }
  });

  it(`downloads ${N} blocks from two peers in parallel, in order`, async () => {
    const sources = [counting(arraySource(encoded)), counting(arraySource(encoded))];
    const peers = await servers(sources);
    const client = await hosts.start({ config: fast });
    for (const p of peers) await connect(client, p);

    const sink = new RecordingSink();
    const progress: SyncProgress[] = [];
    // The last block waits for a progress report, so there is one however fast the download is.
    let reported = () => {};
    const firstReport = new Promise<void>((resolve) => {
      reported = resolve;
    });
    const apply = sink.applyBlock.bind(sink);
    sink.applyBlock = async (block, commit) => {
      if (block.header.height === N) await firstReport;
      return apply(block, commit);
    };
    const onProgress = (p: SyncProgress) => {
      progress.push(p);
      reported();
    };
    const result = await client.createSyncer(sink, onProgress).run(AbortSignal.timeout(15_000));

    expect(result).toMatchObject({ height: N, applied: N, peers: 2 });
    expect(sink.head).toBe(N);
    expect(sink.rejected).toEqual([]);
    // Both peers did a real share of the work.
    for (const s of sources) expect(s.served).toBeGreaterThan(N / 5);
    expect(sources[0]!.served + sources[1]!.served).toBe(N);
    expect(progress.at(-1)?.target).toBe(N);
    // Every block reached the sink's prefetch (sender recovery ahead of its turn) before being applied.
    expect(sink.appliedUnprefetched).toEqual([]);
    expect(sink.prefetched.size).toBe(N);
    expect(sink.prefetchCalls).toHaveLength(N);
  });

  it('hands a downloaded batch to prefetch a block per turn of the event loop, each block once, in order', async () => {
    const peers = await servers([arraySource(encoded)]);
    const client = await hosts.start({
      config: { sync: { ...fast.sync, batchSize: 64, perPeerRequests: 1 } },
    });
    await connect(client, peers[0]!);
    const sink = new RecordingSink();
    // Counts turns of the event loop (each setImmediate callback starts one after the I/O phase).
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    tick();
    sink.turnOf = () => turns;
    // A slow application (a few turns per block), as a real one is next to decoding a block.
    const apply = sink.applyBlock.bind(sink);
    let mostAhead = 0;
    sink.applyBlock = async (block, commit) => {
      mostAhead = Math.max(mostAhead, Math.max(...sink.prefetched) - block.header.height);
      for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
      return apply(block, commit);
    };
    try {
      const result = await client.createSyncer(sink).run(AbortSignal.timeout(15_000));
      expect(result).toMatchObject({ height: N, applied: N });
    } finally {
      counting = false;
    }
    expect(sink.appliedUnprefetched).toEqual([]);
    expect(sink.prefetchCalls).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    // Prefetch ran ahead of the application (a block per turn against a block per four turns), not
    // only block by block as each came up.
    expect(mostAhead).toBeGreaterThanOrEqual(10);
    // A batch of 64 blocks did not go to prefetch in one turn: no turn saw more than a few.
    const perTurn = new Map<number, number>();
    for (const t of sink.prefetchTurns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(3);
  });

  it('fetches again, blaming nobody, a block its own side could not check (BLOCK_NOT_CHECKED)', async () => {
    const peers = await servers([arraySource(encoded), arraySource(encoded)]);
    const client = await hosts.start({ config: fast });
    for (const p of peers) await connect(client, p);
    const sink = new RecordingSink();
    let failures = 0;
    const apply = sink.applyBlock.bind(sink);
    sink.applyBlock = async (block, commit) => {
      if (block.header.height === 7 && failures < 3) {
        failures++;
        throw Object.assign(new Error('application failed here'), { code: 'BLOCK_NOT_CHECKED' });
      }
      return apply(block, commit);
    };

    const result = await client.createSyncer(sink).run(AbortSignal.timeout(15_000));

    expect(result.height).toBe(N);
    expect(failures).toBe(3);
    for (const p of peers) {
      expect(client.peerManager.score(p.peerId)).toBeGreaterThanOrEqual(0);
      expect(client.peerManager.isBanned(p.peerId)).toBe(false);
    }
  });

  it('finishes from the honest peer while liars are penalized and banned', async () => {
    const forked = encodeAll(makeBlocks(N, 1));
    const wrongHeights = arraySource(encoded, (_b, h) => encoded[Math.min(h, N - 1)]!);
    const garbage = arraySource(encoded, () => ({
      block: new Uint8Array([0xc0, 1, 2]),
      commit: new Uint8Array([7]),
    }));
    const forks = arraySource(encoded, (_b, h) => (h > 40 ? forked[h - 1]! : encoded[h - 1]!));
    const silent: BlockSource = {
      status: () => headOf(encoded),
      blocks: () => never(),
    };
    const liars = await servers([wrongHeights, garbage, forks, silent]);
    const [honest] = await servers([arraySource(encoded)]);
    // Short enough that the silent peer times out within the run, long enough that the honest one,
    // answering from the same loaded process, does not (500 ms penalised it on a busy machine).
    const client = await hosts.start({ config: { sync: { ...fast.sync, requestTimeoutMs: 2_000 } } });
    for (const p of [...liars, honest!]) await connect(client, p);

    const sink = new RecordingSink();
    const result = await client.createSyncer(sink).run(AbortSignal.timeout(20_000));

    expect(result.height).toBe(N);
    expect(sink.head).toBe(N);
    const [wrong, junk, fork, mute] = liars.map((l) => l.peerId);
    // Protocol violations: banned after a few; a block the chain refuses: banned at once.
    for (const id of [wrong!, junk!, fork!]) expect(client.peerManager.score(id)).toBeLessThan(-50);
    expect(client.peerManager.isBanned(fork!)).toBe(true);
    expect(sink.rejected.length).toBeGreaterThanOrEqual(1);
    expect(client.peerManager.score(mute!)).toBeLessThan(0);
    expect(client.peerManager.score(honest!.peerId)).toBeGreaterThanOrEqual(0);
  });

  it('does not let a height without a commit that proves it steer sync, and penalizes the claim', async () => {
    const made = makeBlocks(1, 9)[0]!;
    const claim = (height: number): SourceStatus => {
      const commit = { ...made.commit, height };
      return { height, headHash: commit.blockHash, baseHeight: 1, headCommit: encodeCommit(commit) };
    };
    // A head far beyond anything (the sink cannot tell), and a forged commit for a height it knows.
    const unproven = counting({ status: () => claim(1_000_000_000), blocks: () => [] });
    const forged = counting({ status: () => claim(N - 10), blocks: () => [] });
    const liars = await servers([unproven, forged]);
    const [honest] = await servers([arraySource(encoded.slice(0, 100))]);
    const client = await hosts.start({ config: fast });
    for (const p of [...liars, honest!]) await connect(client, p);

    const sink = new RecordingSink();
    const result = await client.createSyncer(sink).run(AbortSignal.timeout(15_000));

    expect(result).toMatchObject({ height: 100, applied: 100 });
    expect(unproven.served + forged.served).toBe(0);
    expect(client.peerManager.score(liars[0]!.peerId)).toBeLessThan(0);
    expect(client.peerManager.score(liars[1]!.peerId)).toBeLessThan(-25);
    expect(client.peerManager.score(honest!.peerId)).toBeGreaterThanOrEqual(0);
  });

  it('leaves out a peer that proves a height but only answers RATE_LIMITED, penalizes it and ends the run', async () => {
    // The liar copies the real head (commit included) and refuses every blocks request, asking
    // for a minute's patience each time.
    const liar = await hosts.start();
    await liar.serveBlocks({ status: () => headOf(encoded), blocks: () => never() });
    await liar.libp2p.unhandle(liar.names.blocksProtocol);
    let asked = 0;
    const refuse = async () => {
      asked++;
      const error = { code: RESPONSE_ERROR.rateLimited, message: 'slow down', retryAfterMs: 60_000 };
      return encodeBlocksResponse({ error });
    };
    await liar.libp2p.handle(liar.names.blocksProtocol, (stream) => {
      void respond(stream, { timeoutMs: 5_000, maxRequestBytes: 64 }, refuse);
    });
    const [honest] = await servers([arraySource(encoded.slice(0, 100))]);
    const client = await hosts.start({ config: fast });
    await connect(client, liar);
    await connect(client, honest!);

    const sink = new RecordingSink();
    const first = await client.createSyncer(sink).run(AbortSignal.timeout(20_000));
    expect(first).toMatchObject({ height: 100, applied: 100 });
    expect(asked).toBeGreaterThanOrEqual(5);
    expect(client.peerManager.score(liar.peerId)).toBeLessThan(-25);
    expect(client.peerManager.score(honest!.peerId)).toBeGreaterThanOrEqual(0);

    // Every later run costs it as much, until it is disconnected and banned.
    for (let run = 0; run < 3 && !client.peerManager.isBanned(liar.peerId); run++) {
      expect(await client.createSyncer(sink).run(AbortSignal.timeout(20_000))).toMatchObject({ height: 100 });
    }
    expect(client.peerManager.isBanned(liar.peerId)).toBe(true);
  });

  it('returns at once when no peer is ahead, and after peerWaitMs when there is no peer', async () => {
    const [peer] = await servers([arraySource(encoded.slice(0, 10))]);
    const client = await hosts.start({ config: fast });
    const alone = await client.createSyncer(new RecordingSink()).run(AbortSignal.timeout(5_000));
    expect(alone).toEqual({ height: 0, applied: 0, peers: 0 });

    await connect(client, peer!);
    const sink = new RecordingSink();
    sink.head = 10;
    // A signal that never aborts: a syncer that waited instead of returning holds the test until its
    // timeout, so "at once" needs no clock.
    expect(await client.createSyncer(sink).run(new AbortController().signal)).toEqual({
      height: 10,
      applied: 0,
      peers: 1,
    });
  });

  it('rate limits a flooding client on requests and on blocks', async () => {
    const limits = { sync: { requestsPerSecond: 1, requestBurst: 5, blocksPerSecond: 1, blockBurst: 20 } };
    const [server] = await servers([arraySource(encoded)], limits);
    const client = await hosts.start();
    await connect(client, server!);

    // Blocks: 20 in the bucket. 16, then the 4 left, then nothing.
    expect(await client.syncClient.blocks(server!.peerId, 1, 16)).toHaveLength(16);
    expect(await client.syncClient.blocks(server!.peerId, 17, 16)).toHaveLength(4);
    await expect(client.syncClient.blocks(server!.peerId, 21, 16)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });

    // Requests: 2 of the burst of 5 are left; a flood of 8 (the server's stream cap per
    // connection) gets refusals with a retry hint for the rest.
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => client.syncClient.status(server!.peerId)),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as RequestError);
    expect(refused.map((e) => e.code)).toEqual(Array(6).fill('RATE_LIMITED'));
    for (const e of refused) expect(e.retryAfterMs).toBeGreaterThan(0);
  });

  it('times out a peer that never answers, and serves nothing it does not have', async () => {
    const silent: BlockSource = {
      status: () => headOf(encoded),
      blocks: () => never(),
    };
    const [mute, short] = await servers([silent, arraySource(encoded.slice(0, 5))]);
    const client = await hosts.start({ config: { sync: { requestTimeoutMs: 300 } } });
    await connect(client, mute!);
    await connect(client, short!);

    const err = await client.syncClient.blocks(mute!.peerId, 1, 4).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).code).toBe('TIMEOUT');
    // The configured deadline, not the 10 s default, ended the request (without timing the test).
    expect((err as RequestError).message).toContain('after 300 ms');

    expect(await client.syncClient.blocks(short!.peerId, 6, 4)).toEqual([]);
    expect((await client.syncClient.blocks(short!.peerId, 4, 4)).map((b) => b.block.header.height)).toEqual([
      4, 5,
    ]);
  });

  it('splits responses at the byte limit but always sends at least one block', async () => {
    const sized = (n: number, txBytes: number) => encodeAll(makeBlocks(n, 0, txBytes));
    const medium = sized(6, 30 * 1024);
    const huge = sized(2, 100 * 1024);
    const small = { sync: { maxResponseBytes: 64 * 1024 } };
    const [a, b] = await servers([arraySource(medium), arraySource(huge)], small);
    const client = await hosts.start({ config: small });
    await connect(client, a!);
    await connect(client, b!);
    expect((await client.syncClient.blocks(a!.peerId, 1, 6)).map((x) => x.block.header.height)).toEqual([
      1, 2,
    ]);
    expect((await client.syncClient.blocks(b!.peerId, 1, 2)).map((x) => x.block.header.height)).toEqual([1]);
  });
});

/** An async iterable that never yields: a peer that accepts a request and then goes quiet. */
async function* never(): AsyncGenerator<EncodedBlock> {
  await new Promise(() => {});
}

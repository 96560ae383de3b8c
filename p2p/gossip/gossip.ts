// Gossip topics: publishing, and the validation pipeline for what arrives. Gossipsub runs with
// asyncValidation, so nothing is forwarded until we report a verdict: size check, decode, the
// node's handler, then reportMessageValidationResult, which also feeds the sender's score.

import { randomInt } from 'node:crypto';
import { type GossipsubMessage, type Message, TopicValidatorResult } from '@libp2p/gossipsub';
import type { Logger } from 'pino';
import type { Proposal } from '../../consensus/proposal.ts';
import { blockHash, encodeBlock } from '../../core/block.ts';
import { hexToBytes, utf8ToBytes } from '../../core/bytes.ts';
import { OpenchainError } from '../../core/errors.ts';
import { type Evidence, encodeEvidence } from '../../core/evidence.ts';
import { sha256Concat } from '../../core/hash.ts';
import { encodeVote, type Vote } from '../../core/vote.ts';
import { P2pError } from '../errors.ts';
import type { GossipRouter } from '../router.ts';
import { GOSSIP_KINDS, type GossipKind, type Names } from '../topics.ts';
import {
  encodeEvidenceMessage,
  encodeProposalMessage,
  encodeTxsMessage,
  encodeVoteMessage,
  txEntryBytes,
} from '../wire.ts';
import {
  completeProposal,
  decodeEvidenceGossip,
  decodeProposalGossip,
  decodeTxGossip,
  decodeVoteGossip,
  type ProposalAnnouncement,
} from './decode.ts';
import type { ProposalBlocks } from './proposalBlocks.ts';
import { ACCEPT, ignore, reject, type Verdict, type VerdictResult, verdictFromError } from './verdict.ts';

type Result<T> = T | Promise<T>;

/** Supplied by the node. `from` is the peer id that forwarded the message (not its author). */
export interface GossipHandler {
  onTx(raw: Uint8Array, from: string): Result<Verdict>;
  onProposal(proposal: Proposal, from: string): Result<Verdict>;
  onVote(vote: Vote, from: string): Result<Verdict>;
  onEvidence(evidence: Evidence, from: string): Result<Verdict>;
  /**
   * The signed fields of a proposal announced by block hash, judged before its block is fetched: a
   * verdict stops the fetch (a forged signature, a height or round out of reach); undefined fetches.
   */
  checkProposalHeader?(announcement: ProposalAnnouncement, from: string): Verdict | undefined;
}

/**
 * Messages being validated at once, per topic; beyond this new ones are IGNOREd (not forwarded,
 * no blame), which bounds memory (proposals can be 17 MB) and work under a flood.
 */
const MAX_IN_FLIGHT: Readonly<Record<GossipKind, number>> = {
  // Batches of up to maxTxBytes each (see TX_BATCH_MS).
  tx: 128,
  proposal: 4,
  vote: 512,
  evidence: 32,
};

const NONE = new Uint8Array(0);

/**
 * Transactions submitted to this node are gossiped in batches: at most one TxMessage per TX_BATCH_MS,
 * or sooner when the batch reaches the topic's size limit. Everything gossipsub, noise and yamux do
 * per message (framing, encryption, message-id hashing, the seen cache, forwarding to each mesh peer,
 * the validation round trip) is then paid per batch instead of per transaction; at saturation this
 * was most of a validator's CPU. A transaction that comes after TX_BATCH_MS without a batch leaves
 * at once (with those submitted in the same turn of the event loop): a lone transaction does not
 * wait, and the proposer sees it a batch window sooner; the ones after it wait for the window's end.
 */
export const TX_BATCH_MS = 50;
/**
 * Transactions of a received batch handed to the handler per turn of the event loop, so that a
 * batch of a thousand does not hold up votes and proposals queued behind it.
 */
const TX_CHUNK = 64;

interface TxBatch {
  readonly raws: Uint8Array[];
  bytes: number;
  readonly sent: Promise<number>;
  readonly settle: { resolve(recipients: number): void; reject(err: unknown): void };
}

function newTxBatch(): TxBatch {
  let settle!: TxBatch['settle'];
  const sent = new Promise<number>((resolve, reject) => {
    settle = { resolve, reject };
  });
  return { raws: [], bytes: 0, sent, settle };
}

/** A batch's verdict: REJECT if any transaction is invalid for everyone, else ACCEPT if any was new. */
function batchVerdict(verdicts: readonly Verdict[]): Verdict {
  const rejected = verdicts.find((v) => v.result === 'reject');
  if (rejected)
    return verdicts.length === 1 ? rejected : reject(`a transaction in the batch: ${rejected.reason}`);
  if (verdicts.some((v) => v.result === 'accept')) return ACCEPT;
  return verdicts[0] ?? ignore('no transaction');
}

const ACCEPTANCE: Record<VerdictResult, TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  ignore: TopicValidatorResult.Ignore,
  reject: TopicValidatorResult.Reject,
};

/**
 * Content-addressed message id: sha256(topic, 0x00, data), first 20 bytes. Messages are unsigned
 * (StrictNoSign), so the same bytes from any publisher are one message and duplicates are dropped
 * by gossipsub's seen cache before they reach validation.
 */
export function messageId(msg: Message): Uint8Array {
  return sha256Concat(utf8ToBytes(msg.topic), new Uint8Array(1), msg.data).subarray(0, 20);
}

export interface GossipDeps {
  readonly router: GossipRouter;
  readonly names: Names;
  readonly chainId: bigint;
  readonly limits: Readonly<Record<GossipKind, number>>;
  readonly proposalBlocks: ProposalBlocks;
  readonly log: Logger;
  /** How long a local transaction waits for others to share its message; default TX_BATCH_MS. */
  readonly txBatchMs?: number;
}

export class Gossip {
  readonly #router: GossipRouter;
  readonly #names: Names;
  readonly #chainId: bigint;
  readonly #limits: Readonly<Record<GossipKind, number>>;
  readonly #blocks: ProposalBlocks;
  // A JS number: protobufjs encodes numbers up to 2^53 exactly (it silently writes bigints as 0).
  #nonce = randomInt(2 ** 47);
  readonly #log: Logger;
  readonly #inFlight: Record<GossipKind, number> = { tx: 0, proposal: 0, vote: 0, evidence: 0 };
  readonly #txBatchMs: number;
  #txBatch: TxBatch | undefined;
  #txTimer: ReturnType<typeof setTimeout> | undefined;
  /** A flush of the current batch is due (by #txTimer, or in a microtask). */
  #txFlushScheduled = false;
  /** When the last batch was published (performance.now()); -Infinity before the first. */
  #lastTxFlush = Number.NEGATIVE_INFINITY;
  #handler: GossipHandler | undefined;

  constructor(deps: GossipDeps) {
    this.#router = deps.router;
    this.#names = deps.names;
    this.#chainId = deps.chainId;
    this.#limits = deps.limits;
    this.#blocks = deps.proposalBlocks;
    this.#log = deps.log;
    this.#txBatchMs = deps.txBatchMs ?? TX_BATCH_MS;
  }

  /** Subscribes to every topic and starts handing validated messages to `handler`. */
  start(handler: GossipHandler): void {
    if (this.#handler) throw new Error('gossip already started');
    this.#handler = handler;
    this.#router.addEventListener('gossipsub:message', this.#onMessage);
    for (const kind of GOSSIP_KINDS) this.#router.subscribe(this.#names.topics[kind]);
  }

  /**
   * Stops handing messages on; the topics stay subscribed until the host stops. Unsubscribing would
   * PRUNE every mesh peer with a 10 s backoff that a restarted node cannot remember: its GRAFTs
   * inside that backoff cost it a behaviour penalty per topic, and peers banned a validator that
   * restarted within 10 s (test/p2p/restartedPeer.test.ts). A closed connection leaves the mesh
   * without a backoff.
   */
  stop(): void {
    this.#flushTxs();
    if (!this.#handler) return;
    this.#router.removeEventListener('gossipsub:message', this.#onMessage);
    this.#handler = undefined;
  }

  /**
   * Each publish returns the number of peers it was sent to; with none it still succeeds. A
   * transaction joins the current batch (TX_BATCH_MS) and resolves when that batch is published.
   */
  publishTx(raw: Uint8Array): Promise<number> {
    const size = txEntryBytes(raw.length);
    if (size > this.#limits.tx) {
      return Promise.reject(
        new P2pError('OVERSIZED', `tx message of ${size} bytes exceeds ${this.#limits.tx}`),
      );
    }
    if (this.#txBatch && this.#txBatch.bytes + size > this.#limits.tx) this.#flushTxs();
    this.#txBatch ??= newTxBatch();
    const batch = this.#txBatch;
    batch.raws.push(raw);
    batch.bytes += size;
    if (!this.#txFlushScheduled) {
      this.#txFlushScheduled = true;
      const wait = this.#lastTxFlush + this.#txBatchMs - performance.now();
      if (wait <= 0) {
        // A quiet window: flushed in a microtask, after the caller's synchronous work, so that
        // transactions submitted together still share a message.
        queueMicrotask(() => this.#flushTxs());
      } else {
        this.#txTimer = setTimeout(() => this.#flushTxs(), wait);
        this.#txTimer.unref?.();
      }
    }
    return batch.sent;
  }

  #flushTxs(): void {
    clearTimeout(this.#txTimer);
    this.#txTimer = undefined;
    this.#txFlushScheduled = false;
    const batch = this.#txBatch;
    this.#txBatch = undefined;
    if (!batch) return;
    this.#lastTxFlush = performance.now();
    this.#publish('tx', encodeTxsMessage(batch.raws)).then(batch.settle.resolve, batch.settle.reject);
  }

  /** Inline when it fits the gossip limit; otherwise announced by block hash (proposalBlocks.ts). */
  async publishProposal(p: Proposal): Promise<number> {
    const block = encodeBlock(p.block);
    if (block.length > this.#blocks.maxBlockBytes) {
      throw new P2pError('OVERSIZED', `block of ${block.length} bytes exceeds ${this.#blocks.maxBlockBytes}`);
    }
    const nonce = this.#nextNonce();
    const inline = encodeProposalMessage({ ...p, block, blockHash: NONE, nonce });
    if (inline.length <= this.#limits.proposal) return this.#publish('proposal', inline);
    const hash = blockHash(p.block.header);
    this.#blocks.keep(hash, block);
    return this.#publish(
      'proposal',
      encodeProposalMessage({ ...p, block: NONE, blockHash: hexToBytes(hash), nonce }),
    );
  }

  publishVote(v: Vote): Promise<number> {
    return this.#publish('vote', encodeVoteMessage(encodeVote(v), this.#nextNonce()));
  }

  publishEvidence(e: Evidence): Promise<number> {
    return this.#publish('evidence', encodeEvidenceMessage(encodeEvidence(e)));
  }

  /** A fresh nonce per publish, so a deliberate re-send is a new message (proto VoteMessage.nonce). */
  #nextNonce(): number {
    this.#nonce = (this.#nonce + 1) % Number.MAX_SAFE_INTEGER;
    return this.#nonce;
  }

  /** Subscribers of a topic among connected peers (tests wait on it to know the mesh is up). */
  subscribers(kind: GossipKind): string[] {
    return this.#router.getSubscribers(this.#names.topics[kind]).map((p) => p.toString());
  }

  async #publish(kind: GossipKind, data: Uint8Array): Promise<number> {
    // Peers would REJECT it and lower our score; better to fail here.
    if (data.length > this.#limits[kind]) {
      throw new P2pError(
        'OVERSIZED',
        `${kind} message of ${data.length} bytes exceeds ${this.#limits[kind]}`,
      );
    }
    const { recipients } = await this.#router.publish(this.#names.topics[kind], data);
    return recipients.length;
  }

  readonly #onMessage = (evt: CustomEvent<GossipsubMessage>): void => {
    const { msgId, propagationSource, msg } = evt.detail;
    const kind = this.#names.kindOf(msg.topic);
    const from = propagationSource.toString();
    if (!kind) {
      this.#report(msgId, from, msg.topic, ignore('not our topic'));
      return;
    }
    if (this.#inFlight[kind] >= MAX_IN_FLIGHT[kind]) {
      this.#report(msgId, from, kind, ignore('validation queue full'));
      return;
    }
    this.#inFlight[kind]++;
    this.#validate(kind, msg.data, from)
      .then((verdict) => this.#report(msgId, from, kind, verdict))
      .catch((err: unknown) => this.#log.warn({ err }, 'gossip verdict not reported'))
      .finally(() => this.#inFlight[kind]--);
  };

  async #validate(kind: GossipKind, data: Uint8Array, from: string): Promise<Verdict> {
    const handler = this.#handler;
    if (!handler) return ignore('gossip stopped');
    if (data.length > this.#limits[kind]) {
      return reject(`OVERSIZED: ${data.length} bytes, limit ${this.#limits[kind]}`);
    }
    try {
      switch (kind) {
        case 'tx':
          return await this.#txs(decodeTxGossip(data), from, handler);
        case 'proposal': {
          const gossip = decodeProposalGossip(data, this.#chainId);
          if ('proposal' in gossip) return await this.#call(() => handler.onProposal(gossip.proposal, from));
          return await this.#announced(gossip.announcement, from, handler);
        }
        case 'vote': {
          const vote = decodeVoteGossip(data);
          return await this.#call(() => handler.onVote(vote, from));
        }
        case 'evidence': {
          const evidence = decodeEvidenceGossip(data);
          return await this.#call(() => handler.onEvidence(evidence, from));
        }
      }
    } catch (err) {
      // Only decoding and block checks throw here (#call catches the handler's): the bytes are invalid.
      return reject(`malformed ${kind}: ${(err as Error).message}`);
    }
  }

  /**
   * Pulls an announced block from the peer that forwarded the announcement. Not getting it is no
   * proof of anything (IGNORE); getting a block that does not match the hash is (the throw below
   * becomes a REJECT).
   */
  async #announced(a: ProposalAnnouncement, from: string, handler: GossipHandler): Promise<Verdict> {
    // Up to maxBlockBytes per fetch: only for an announcement whose signature and window check out.
    const early = handler.checkProposalHeader?.(a, from);
    if (early) return early;
    let block: Uint8Array;
    try {
      block = await this.#blocks.fetch(from, a.blockHash);
    } catch (err) {
      return ignore(`proposal block not fetched: ${(err as Error).message}`);
    }
    const proposal = completeProposal(a, block, this.#chainId, a.blockHash);
    const verdict = await this.#call(() => handler.onProposal(proposal, from));
    // Kept before the verdict is reported: peers we forward the announcement to will ask us.
    if (verdict.result === 'accept') this.#blocks.keep(a.blockHash, block);
    return verdict;
  }

  /** Each transaction of a batch goes to the handler, a chunk per turn of the event loop. */
  async #txs(raws: readonly Uint8Array[], from: string, handler: GossipHandler): Promise<Verdict> {
    const verdicts: Promise<Verdict>[] = [];
    for (const [i, raw] of raws.entries()) {
      if (i > 0 && i % TX_CHUNK === 0) await new Promise((r) => setImmediate(r));
      verdicts.push(this.#call(() => handler.onTx(raw, from)));
    }
    return batchVerdict(await Promise.all(verdicts));
  }

  async #call(fn: () => Result<Verdict>): Promise<Verdict> {
    try {
      return await fn();
    } catch (err) {
      // Typed errors are verdicts; anything else is a bug on our side, worth a warning.
      if (!(err instanceof OpenchainError)) this.#log.warn({ err }, 'gossip handler failed');
      return verdictFromError(err);
    }
  }

  #report(msgId: string, from: string, what: string, verdict: Verdict): void {
    if (!this.#handler) return;
    if (verdict.result === 'reject')
      this.#log.debug({ peer: from, topic: what, reason: verdict.reason }, 'gossip rejected');
    this.#router.reportMessageValidationResult(msgId, from, ACCEPTANCE[verdict.result]);
  }
}

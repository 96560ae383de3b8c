// Blocks, commits, receipts and the transaction index. Writes only add operations to the caller's
// WriteBatch, so a block and its state changes land in one atomic LevelDB write.
import { type Block, blockHash, decodeHeader, encodeHeader, type Header } from '../../core/block.ts';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { decodeEvidenceItem, evidenceFields } from '../../core/evidence.ts';
import { keccak256 } from '../../core/hash.ts';
import { decodeLogs, encodeLogs, type Log } from '../../core/receipt.ts';
import { asList, rlpDecode, rlpEncode } from '../../core/rlp.ts';
import { type Commit, commitFields, decodeCommit, decodeCommitItem, encodeCommit } from '../../core/vote.ts';
import type { Database, WriteBatch } from './database.ts';
import {
  Bucket,
  decodeHeight,
  decodeLocation,
  encodeHeight,
  encodeLocation,
  heightRange,
  keys,
} from './keys.ts';
import { LruCache } from './lru.ts';
import { decodeStoredReceipt, encodeStoredReceipt, type StoredReceipt } from './receipts.ts';

export interface HeaderWithHash {
  readonly header: Header;
  readonly hash: Hex;
}

const HEAD = keys.meta('head');

/** What eth_getBlockBy* without full transactions needs of a block besides its header. */
export interface BlockSummary {
  readonly txHashes: readonly Hex[];
  /** `encodeBlock(block).length`. */
  readonly size: number;
}

/**
 * The latest blocks' summaries are kept while they hold at most this many transaction hashes
 * (about 100 bytes each; the latest block's always): clients that follow the chain ask for each
 * block as it lands, and reading and re-hashing thousands of transactions for each ask cost the
 * main thread tens of milliseconds per block (docs/performance.md, round 5).
 */
const RECENT_SUMMARY_TXS = 65_536;

export class BlockStore {
  readonly #db: Database;
  readonly #headers = new LruCache<number, HeaderWithHash>(4096);
  /** Height → summary, oldest first (blocks are committed in height order). */
  readonly #recent = new Map<number, BlockSummary>();
  #recentTxs = 0;
  readonly #recentBudget: number;
  #head: number | undefined;

  /** `recentSummaryTxs`: the transaction hashes the latest blocks' summaries may hold (tests set it low). */
  constructor(db: Database, opts: { recentSummaryTxs?: number } = {}) {
    this.#db = db;
    this.#recentBudget = opts.recentSummaryTxs ?? RECENT_SUMMARY_TXS;
    const head = db.getSync(HEAD);
    this.#head = head === undefined ? undefined : decodeHeight(head);
  }

  /** Height of the last committed block (0 is genesis); undefined before genesis is written. */
  get head(): number | undefined {
    return this.#head;
  }

  headHeader(): HeaderWithHash {
    if (this.#head === undefined) throw new Error('block store is empty: genesis not initialised');
    return this.getHeader(this.#head)!;
  }

  getHeader(height: number): HeaderWithHash | undefined {
    if (this.#head === undefined || height > this.#head || height < 0) return undefined;
    let entry = this.#headers.get(height);
    if (!entry) {
      const bytes = this.#db.getSync(keys.header(height));
      if (!bytes) return undefined;
      const header = decodeHeader(bytes);
      entry = { header, hash: blockHash(header) };
      this.#headers.set(height, entry);
    }
    return entry;
  }

  heightOf(hash: Hex): number | undefined {
    const bytes = this.#db.getSync(keys.blockHash(hash));
    if (!bytes) return undefined;
    const height = decodeHeight(bytes);
    return this.#head !== undefined && height <= this.#head ? height : undefined;
  }

  async getTxs(height: number): Promise<Uint8Array[]> {
    const [gte, lt] = heightRange(Bucket.tx, height);
    const txs: Uint8Array[] = [];
    for await (const [, value] of this.#db.range(gte, lt)) txs.push(value);
    return txs;
  }

  async getBlock(height: number): Promise<Block | undefined> {
    const entry = this.getHeader(height);
    if (!entry) return undefined;
    const extra = asList(
      rlpDecode(this.#db.getSync(keys.blockExtra(height))!, 'block extra'),
      'block extra',
      2,
    );
    const lastCommit = asList(extra[0], 'lastCommit');
    return {
      header: entry.header,
      txs: await this.getTxs(height),
      lastCommit: lastCommit.length === 0 ? null : decodeCommitItem(lastCommit[0]),
      evidence: asList(extra[1], 'evidence').map((e) => decodeEvidenceItem(e)),
    };
  }

  getTx(height: number, index: number): Uint8Array | undefined {
    return this.#db.getSync(keys.tx(height, index));
  }

  /** Hash of the transaction at a position (keccak of its raw bytes, as Ethereum defines it). */
  txHashAt(height: number, index: number): Hex {
    return bytesToHex(keccak256(this.getTx(height, index)!));
  }

  getReceipt(height: number, index: number): StoredReceipt | undefined {
    const bytes = this.#db.getSync(keys.receipt(height, index));
    return bytes && decodeStoredReceipt(bytes);
  }

  async getReceipts(height: number): Promise<StoredReceipt[]> {
    const [gte, lt] = heightRange(Bucket.receipt, height);
    const out: StoredReceipt[] = [];
    for await (const [, value] of this.#db.range(gte, lt)) out.push(decodeStoredReceipt(value));
    return out;
  }

  txLocation(hash: Hex): { height: number; index: number } | undefined {
    const bytes = this.#db.getSync(keys.txLocation(hash));
    if (!bytes) return undefined;
    const loc = decodeLocation(bytes);
    return this.#head !== undefined && loc.height <= this.#head ? loc : undefined;
  }

  /**
   * The events the end-of-block step of the block at `height` emitted (governance outcomes): logs
   * that belong to no transaction. Empty for a block that emitted none.
   */
  getBlockEvents(height: number): Log[] {
    const bytes = this.#db.getSync(keys.blockEvents(height));
    return bytes ? decodeLogs(bytes) : [];
  }

  /** The commit certificate for the block at `height` (from the next block, or the one this node saw). */
  getCommit(height: number): Commit | undefined {
    const bytes = this.#db.getSync(keys.commit(height));
    return bytes && decodeCommit(bytes);
  }

  /**
   * Adds a block, its receipts and its commit to the batch and moves the head to it. The head only
   * moves when the batch is written, so a crash leaves either the whole block or none of it.
   */
  putBlock(
    batch: WriteBatch,
    block: Block,
    hash: Hex,
    receipts: readonly StoredReceipt[],
    commit: Commit | null,
    txHashes: readonly Hex[],
    events: readonly Log[] = [],
  ): void {
    const height = block.header.height;
    batch.put(keys.header(height), encodeHeader(block.header));
    batch.put(keys.blockHash(hash), encodeHeight(height));
    batch.put(
      keys.blockExtra(height),
      rlpEncode([
        block.lastCommit === null ? [] : [commitFields(block.lastCommit)],
        block.evidence.map(evidenceFields),
      ]),
    );
    block.txs.forEach((raw, i) => {
      batch.put(keys.tx(height, i), raw);
      batch.put(keys.txLocation(txHashes[i]!), encodeLocation(height, i));
    });
    receipts.forEach((r, i) => {
      batch.put(keys.receipt(height, i), encodeStoredReceipt(r));
    });
    if (events.length > 0) batch.put(keys.blockEvents(height), encodeLogs(events));
    if (commit) batch.put(keys.commit(height), encodeCommit(commit));
    // The block's lastCommit is the canonical certificate of its parent.
    if (block.lastCommit) batch.put(keys.commit(height - 1), encodeCommit(block.lastCommit));
    batch.put(HEAD, encodeHeight(height));
  }

  /** Call after the batch holding putBlock was written; `summary` is kept for the latest blocks. */
  markCommitted(height: number, header: Header, hash: Hex, summary?: BlockSummary): void {
    this.#headers.set(height, { header, hash });
    this.#head = height;
    if (summary) this.#remember(height, summary);
  }

  /** The summary of one of the latest committed blocks, if still held (else read the block). */
  recentSummary(height: number): BlockSummary | undefined {
    return this.#recent.get(height);
  }

  #remember(height: number, summary: BlockSummary): void {
    this.#recent.set(height, summary);
    this.#recentTxs += summary.txHashes.length;
    for (const [oldest, held] of this.#recent) {
      if (this.#recentTxs <= this.#recentBudget || oldest === height) break;
      this.#recent.delete(oldest);
      this.#recentTxs -= held.txHashes.length;
    }
  }
}

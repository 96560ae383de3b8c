// The requesting side of block sync: every response is checked before anyone trusts it, and a
// RequestError's code says whose fault a failure is, which the syncer turns into peer penalties.
import type { Libp2p } from 'libp2p';
import { type Block, blockHash, decodeBlock } from '../../core/block.ts';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { type Commit, decodeCommit } from '../../core/vote.ts';
import { RequestError } from '../errors.ts';
import { MAX_COMMIT_BYTES } from '../limits.ts';
import { refusal, request } from '../reqresp.ts';
import type { ChainIdentity, Names } from '../topics.ts';
import {
  decodeBlocksResponse,
  decodeStatusResponse,
  type EncodedBlock,
  encodeBlocksRequest,
  encodeStatusRequest,
  type Status,
} from '../wire.ts';

export interface VerifiedBlock {
  readonly block: Block;
  readonly commit: Commit;
  readonly hash: Hex;
}

/** A peer's status with its head commit decoded and matched to the claimed head. */
export interface PeerHead extends Status {
  /** null at height 0. */
  readonly commit: Commit | null;
}

export interface SyncClientOptions {
  readonly requestTimeoutMs: number;
  /** Our response budget, sent with each request. */
  readonly maxResponseBytes: number;
  /** Largest encoded block of the chain (limits.ts maxBlockBytes). */
  readonly maxBlockBytes: number;
}

/** A status response is under 200 bytes plus the head's commit certificate. */
const MAX_STATUS_BYTES = 1_024 + MAX_COMMIT_BYTES;
/** Protobuf framing of a response around its blocks. */
const RESPONSE_SLACK_BYTES = 64 * 1024;

function bad(message: string, cause?: unknown): RequestError {
  return new RequestError('BAD_RESPONSE', message, { cause });
}

/**
 * Decodes a response's blocks and checks what needs no validator set: consecutive heights from
 * `from`, our chain, each commit for its block, each block linked to the previous one.
 */
export function checkBlocks(
  encoded: readonly EncodedBlock[],
  from: number,
  chainId: bigint,
): VerifiedBlock[] {
  const out: VerifiedBlock[] = [];
  for (const [i, e] of encoded.entries()) {
    let block: Block;
    let commit: Commit;
    try {
      block = decodeBlock(e.block);
      commit = decodeCommit(e.commit);
    } catch (err) {
      throw bad(`undecodable block ${from + i}: ${(err as Error).message}`, err);
    }
    const h = block.header;
    const hash = blockHash(h);
    if (h.height !== from + i) throw bad(`expected height ${from + i}, got ${h.height}`);
    if (h.chainId !== chainId) throw bad(`block ${h.height} is of chain ${h.chainId}`);
    if (commit.height !== h.height || commit.blockHash !== hash)
      throw bad(`commit does not match block ${h.height}`);
    const prev = out[i - 1];
    if (prev && h.parentHash !== prev.hash)
      throw bad(`block ${h.height} does not link to block ${h.height - 1}`);
    out.push({ block, commit, hash });
  }
  return out;
}

/** The commit a status carries, which must be for the head it names (the syncer verifies its signatures). */
function headCommit(s: Status): Commit | null {
  if (s.height === 0) {
    if (s.headCommit.length > 0) throw bad('a commit for height 0');
    return null;
  }
  if (s.headCommit.length === 0) throw bad(`height ${s.height} claimed without its commit`);
  let commit: Commit;
  try {
    commit = decodeCommit(s.headCommit);
  } catch (err) {
    throw bad(`undecodable head commit: ${(err as Error).message}`, err);
  }
  if (commit.height !== s.height || commit.blockHash !== bytesToHex(s.headHash))
    throw bad(`head commit is for ${commit.height}/${commit.blockHash}, not the claimed head`);
  return commit;
}

export class SyncClient {
  readonly #libp2p: Libp2p;
  readonly #names: Names;
  readonly #chain: ChainIdentity;
  readonly #opts: SyncClientOptions;

  constructor(libp2p: Libp2p, names: Names, chain: ChainIdentity, opts: SyncClientOptions) {
    this.#libp2p = libp2p;
    this.#names = names;
    this.#chain = chain;
    this.#opts = opts;
  }

  async status(peerId: string, signal?: AbortSignal): Promise<PeerHead> {
    const bytes = await this.#request(
      peerId,
      this.#names.statusProtocol,
      encodeStatusRequest(),
      MAX_STATUS_BYTES,
      signal,
    );
    let res: ReturnType<typeof decodeStatusResponse>;
    try {
      res = decodeStatusResponse(bytes);
    } catch (err) {
      throw bad(`undecodable status: ${(err as Error).message}`, err);
    }
    if ('error' in res) throw refusal(res.error);
    const s = res.status;
    // The protocol id already carries the genesis prefix; the full hash must match too.
    if (bytesToHex(s.genesisHash) !== this.#chain.genesisHash.toLowerCase())
      throw bad('status of another genesis');
    if (s.baseHeight > s.height + 1) throw bad(`base height ${s.baseHeight} above height ${s.height}`);
    return { ...s, commit: headCommit(s) };
  }

  /** Up to `count` blocks from `from`; fewer (even none) is a valid answer. */
  async blocks(peerId: string, from: number, count: number, signal?: AbortSignal): Promise<VerifiedBlock[]> {
    const request = encodeBlocksRequest({ fromHeight: from, count, maxBytes: this.#opts.maxResponseBytes });
    const limit =
      Math.max(this.#opts.maxResponseBytes, this.#opts.maxBlockBytes + MAX_COMMIT_BYTES) +
      RESPONSE_SLACK_BYTES;
    const bytes = await this.#request(peerId, this.#names.blocksProtocol, request, limit, signal);
    let res: ReturnType<typeof decodeBlocksResponse>;
    try {
      res = decodeBlocksResponse(bytes);
    } catch (err) {
      throw bad(`undecodable blocks response: ${(err as Error).message}`, err);
    }
    if ('error' in res) throw refusal(res.error);
    if (res.blocks.length > count) throw bad(`asked for ${count} blocks, got ${res.blocks.length}`);
    return checkBlocks(res.blocks, from, this.#chain.chainId);
  }

  #request(
    peerId: string,
    protocol: string,
    payload: Uint8Array,
    maxResponseBytes: number,
    signal?: AbortSignal,
  ) {
    return request(this.#libp2p, peerId, protocol, payload, {
      timeoutMs: this.#opts.requestTimeoutMs,
      maxResponseBytes,
      signal,
    });
  }
}

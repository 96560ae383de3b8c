// Blocks of proposals too large to gossip inline (limits.ts MAX_INLINE_PROPOSAL_BYTES). The
// proposer announces the block hash; each receiver pulls the block from the peer that forwarded
// the announcement, which has it because gossipsub forwards only what that peer validated. Peers
// keep the last few such blocks to serve them on; requests are rate limited per peer.
import type { Libp2p } from 'libp2p';
import type { Logger } from 'pino';
import { bytesToHex, type Hex, hexToBytes } from '../../core/bytes.ts';
import { RequestError } from '../errors.ts';
import { PeerBuckets } from '../rateLimit.ts';
import { refusal, request, respond } from '../reqresp.ts';
import {
  decodeProposalBlockRequest,
  decodeProposalBlockResponse,
  encodeProposalBlockRequest,
  encodeProposalBlockResponse,
  RESPONSE_ERROR,
} from '../wire.ts';

/** Proposals of the current and last few rounds; older ones are no longer asked for. */
const KEEP = 8;
/**
 * Gossipsub keeps a message for forwarding about 5 s (5 heartbeats) while it awaits our verdict,
 * so a fetch that takes longer still delivers the proposal to us but no longer forwards it.
 */
const FETCH_TIMEOUT_MS = 5_000;
/** A peer asks once per proposal; a few rounds of retries are plenty. */
const REQUESTS_PER_SECOND = 2;
const REQUEST_BURST = 8;
/** Concurrent streams per connection: each answer can be a 17 MB write. */
const MAX_STREAMS_PER_CONNECTION = 2;
const FRAME_SLACK_BYTES = 1024;

export class ProposalBlocks {
  readonly #libp2p: Libp2p;
  readonly #protocol: string;
  readonly #log: Logger;
  readonly #requests = new PeerBuckets(REQUESTS_PER_SECOND, REQUEST_BURST);
  readonly #kept = new Map<Hex, Uint8Array>();
  /** Largest encoded block accepted in a fetch. */
  readonly maxBlockBytes: number;

  constructor(libp2p: Libp2p, protocol: string, maxBlockBytes: number, log: Logger) {
    this.#libp2p = libp2p;
    this.#protocol = protocol;
    this.maxBlockBytes = maxBlockBytes;
    this.#log = log;
  }

  async start(): Promise<void> {
    await this.#libp2p.handle(
      this.#protocol,
      async (stream, connection) => {
        const peerId = connection.remotePeer.toString();
        const opts = { timeoutMs: FETCH_TIMEOUT_MS, maxRequestBytes: 64 };
        const err = await respond(stream, opts, async (req) => this.#answer(peerId, req));
        if (err) this.#log.debug({ peer: peerId, err: err.message }, 'proposal block request failed');
      },
      { maxInboundStreams: MAX_STREAMS_PER_CONNECTION },
    );
  }

  /** Makes a block available to peers (ours before announcing it; others' once validated). */
  keep(hash: Hex, block: Uint8Array): void {
    this.#kept.delete(hash);
    this.#kept.set(hash, block);
    if (this.#kept.size > KEEP) this.#kept.delete(this.#kept.keys().next().value!);
  }

  /** The block with `hash` from `peerId`; its content is checked by the caller. */
  async fetch(peerId: string, hash: Hex): Promise<Uint8Array> {
    const payload = encodeProposalBlockRequest(hexToBytes(hash));
    const opts = { timeoutMs: FETCH_TIMEOUT_MS, maxResponseBytes: this.maxBlockBytes + FRAME_SLACK_BYTES };
    const bytes = await request(this.#libp2p, peerId, this.#protocol, payload, opts);
    let res: ReturnType<typeof decodeProposalBlockResponse>;
    try {
      res = decodeProposalBlockResponse(bytes);
    } catch (err) {
      throw new RequestError('BAD_RESPONSE', (err as Error).message, { cause: err });
    }
    if ('error' in res) throw refusal(res.error);
    return res.block;
  }

  async #answer(peerId: string, req: Uint8Array): Promise<Uint8Array> {
    const refuse = (code: number, message: string, retryAfterMs = 0) =>
      encodeProposalBlockResponse({ error: { code, message, retryAfterMs } });
    let hash: Uint8Array;
    try {
      hash = decodeProposalBlockRequest(req);
    } catch (err) {
      return refuse(RESPONSE_ERROR.invalidRequest, (err as Error).message);
    }
    const { granted, retryAfterMs } = this.#requests.take(peerId);
    if (!granted) return refuse(RESPONSE_ERROR.rateLimited, 'too many requests', retryAfterMs);
    const block = this.#kept.get(bytesToHex(hash));
    return block
      ? encodeProposalBlockResponse({ block })
      : refuse(RESPONSE_ERROR.unavailable, 'no such proposal block');
  }
}

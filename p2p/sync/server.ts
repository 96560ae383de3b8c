// Serves the status and blocks protocols from the node's BlockSource, with per-peer token buckets
// on requests and on blocks, a cap on blocks and bytes per response, a cap on responses in
// progress, and a deadline for each exchange. Requests for heights we do not have get an empty
// response rather than an error: "I don't have it" is a normal answer during sync.
import type { Connection, Stream } from '@libp2p/interface';
import type { Libp2p } from 'libp2p';
import type { Logger } from 'pino';
import { hexToBytes } from '../../core/bytes.ts';
import type { SyncConfig } from '../config.ts';
import { PeerBuckets } from '../rateLimit.ts';
import { respond } from '../reqresp.ts';
import type { ChainIdentity, Names } from '../topics.ts';
import {
  type BlocksResponse,
  decodeBlocksRequest,
  decodeStatusRequest,
  type EncodedBlock,
  encodeBlocksResponse,
  encodeStatusResponse,
  RESPONSE_ERROR,
  type ResponseError,
} from '../wire.ts';
import type { BlockSource } from './types.ts';

/** Requests are a few varints. */
const MAX_REQUEST_BYTES = 64;
/** Streams per connection and protocol; clients keep at most perPeerRequests (<= 8) open. */
const MAX_STREAMS_PER_CONNECTION = 8;
/** Per block in a response: protobuf tags and length prefixes of block and commit. */
const PER_BLOCK_OVERHEAD = 16;
const BUSY_RETRY_MS = 500;

function refuse(code: number, message: string, retryAfterMs = 0): { error: ResponseError } {
  return { error: { code, message, retryAfterMs } };
}

export class BlockSyncServer {
  readonly #libp2p: Libp2p;
  readonly #names: Names;
  readonly #genesisHash: Uint8Array;
  readonly #source: BlockSource;
  readonly #config: SyncConfig;
  readonly #log: Logger;
  readonly #requests: PeerBuckets;
  readonly #blocksServed: PeerBuckets;
  #active = 0;

  constructor(
    libp2p: Libp2p,
    names: Names,
    chain: ChainIdentity,
    source: BlockSource,
    config: SyncConfig,
    log: Logger,
  ) {
    this.#libp2p = libp2p;
    this.#names = names;
    this.#genesisHash = hexToBytes(chain.genesisHash);
    this.#source = source;
    this.#config = config;
    this.#log = log;
    this.#requests = new PeerBuckets(config.requestsPerSecond, config.requestBurst);
    this.#blocksServed = new PeerBuckets(config.blocksPerSecond, config.blockBurst);
  }

  async start(): Promise<void> {
    const options = { maxInboundStreams: MAX_STREAMS_PER_CONNECTION };
    await this.#libp2p.handle(this.#names.statusProtocol, (s, c) => this.#serve(s, c, this.#status), options);
    await this.#libp2p.handle(this.#names.blocksProtocol, (s, c) => this.#serve(s, c, this.#blocks), options);
  }

  async stop(): Promise<void> {
    await this.#libp2p.unhandle([this.#names.statusProtocol, this.#names.blocksProtocol]);
  }

  async #serve(
    stream: Stream,
    connection: Connection,
    answer: (peerId: string, request: Uint8Array) => Promise<Uint8Array>,
  ): Promise<void> {
    const peerId = connection.remotePeer.toString();
    const opts = { timeoutMs: this.#config.requestTimeoutMs, maxRequestBytes: MAX_REQUEST_BYTES };
    const err = await respond(stream, opts, async (request) => {
      if (this.#active >= this.#config.maxConcurrentResponses) {
        return this.#encodeRefusal(stream.protocol, refuse(RESPONSE_ERROR.busy, 'busy', BUSY_RETRY_MS));
      }
      this.#active++;
      try {
        return await answer(peerId, request);
      } catch (err) {
        // The node's BlockSource failed: say so rather than leave the client guessing.
        this.#log.warn({ err }, 'block source failed');
        return this.#encodeRefusal(stream.protocol, refuse(RESPONSE_ERROR.serverError, 'server error'));
      } finally {
        this.#active--;
      }
    });
    if (err)
      this.#log.debug({ peer: peerId, protocol: stream.protocol, err: err.message }, 'sync request failed');
  }

  #encodeRefusal(protocol: string, refusal: { error: ResponseError }): Uint8Array {
    return protocol === this.#names.statusProtocol
      ? encodeStatusResponse(refusal)
      : encodeBlocksResponse(refusal);
  }

  readonly #status = async (peerId: string, request: Uint8Array): Promise<Uint8Array> => {
    try {
      decodeStatusRequest(request);
    } catch (err) {
      return encodeStatusResponse(refuse(RESPONSE_ERROR.invalidRequest, (err as Error).message));
    }
    const { granted, retryAfterMs } = this.#requests.take(peerId);
    if (!granted)
      return encodeStatusResponse(refuse(RESPONSE_ERROR.rateLimited, 'too many requests', retryAfterMs));
    const s = await this.#source.status();
    return encodeStatusResponse({
      status: {
        genesisHash: this.#genesisHash,
        height: s.height,
        headHash: hexToBytes(s.headHash),
        baseHeight: s.baseHeight,
        headCommit: s.headCommit,
      },
    });
  };

  readonly #blocks = async (peerId: string, request: Uint8Array): Promise<Uint8Array> => {
    return encodeBlocksResponse(await this.#blocksResponse(peerId, request));
  };

  async #blocksResponse(peerId: string, request: Uint8Array): Promise<BlocksResponse> {
    let req: ReturnType<typeof decodeBlocksRequest>;
    try {
      req = decodeBlocksRequest(request);
    } catch (err) {
      return refuse(RESPONSE_ERROR.invalidRequest, (err as Error).message);
    }
    if (req.count < 1 || req.fromHeight < 1)
      return refuse(RESPONSE_ERROR.invalidRequest, 'count and from must be >= 1');
    const allowed = this.#requests.take(peerId);
    if (!allowed.granted)
      return refuse(RESPONSE_ERROR.rateLimited, 'too many requests', allowed.retryAfterMs);

    const status = await this.#source.status();
    if (req.fromHeight < status.baseHeight || req.fromHeight > status.height) return { blocks: [] };
    const wanted = Math.min(req.count, this.#config.maxBlocksPerRequest, status.height - req.fromHeight + 1);
    const { granted, retryAfterMs } = this.#blocksServed.take(peerId, wanted);
    if (granted === 0) return refuse(RESPONSE_ERROR.rateLimited, 'too many blocks requested', retryAfterMs);

    const maxBytes =
      req.maxBytes > 0
        ? Math.min(req.maxBytes, this.#config.maxResponseBytes)
        : this.#config.maxResponseBytes;
    const blocks: EncodedBlock[] = [];
    let bytes = 0;
    for await (const b of this.#source.blocks(req.fromHeight, granted)) {
      const size = b.block.length + b.commit.length + PER_BLOCK_OVERHEAD;
      // Always at least one block, so a block larger than the budget can still be synced.
      if (blocks.length > 0 && bytes + size > maxBytes) break;
      blocks.push(b);
      bytes += size;
      if (blocks.length >= granted) break;
    }
    return { blocks };
  }
}

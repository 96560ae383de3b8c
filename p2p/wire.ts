// Protobuf codecs for what p2p sends: gossip envelopes and sync requests/responses. The schema is
// p2p/proto/openchain.proto, loaded at run time with protobufjs; these hand-written types are the
// boundary, and every decoder checks field types and integer ranges so nothing loose leaks inward.
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { P2pError } from './errors.ts';

const root = protobuf.loadSync(fileURLToPath(new URL('./proto/openchain.proto', import.meta.url)));
const type = (name: string) => root.lookupType(`openchain.v1.${name}`);

const T = {
  tx: type('TxMessage'),
  proposal: type('ProposalMessage'),
  vote: type('VoteMessage'),
  evidence: type('EvidenceMessage'),
  statusRequest: type('StatusRequest'),
  statusResponse: type('StatusResponse'),
  blocksRequest: type('BlocksRequest'),
  blocksResponse: type('BlocksResponse'),
  proposalBlockRequest: type('ProposalBlockRequest'),
  proposalBlockResponse: type('ProposalBlockResponse'),
};

export interface ProposalWire {
  readonly height: number;
  readonly round: number;
  readonly polRound: number;
  /** Empty when the block is announced by hash instead. */
  readonly block: Uint8Array;
  readonly signature: Uint8Array;
  /** Empty when the block is inline. */
  readonly blockHash: Uint8Array;
  /** Differs per publish; see the proto. Not decoded: nothing depends on it. */
  readonly nonce?: number;
}

export interface Status {
  readonly genesisHash: Uint8Array;
  /** Last committed height. */
  readonly height: number;
  readonly headHash: Uint8Array;
  /** Lowest height the peer can serve. */
  readonly baseHeight: number;
  /** RLP commit certificate of the head: what backs the claimed height (empty at height 0). */
  readonly headCommit: Uint8Array;
}

export const RESPONSE_ERROR = {
  rateLimited: 1,
  invalidRequest: 2,
  busy: 3,
  serverError: 4,
  unavailable: 5,
} as const;

export interface ResponseError {
  readonly code: number;
  readonly message: string;
  readonly retryAfterMs: number;
}

export interface BlocksRequest {
  readonly fromHeight: number;
  readonly count: number;
  /** The client's response size budget; 0 leaves it to the server. */
  readonly maxBytes: number;
}

/** One block and its commit certificate, both as canonical RLP. */
export interface EncodedBlock {
  readonly block: Uint8Array;
  readonly commit: Uint8Array;
}

export type StatusResponse = { readonly status: Status } | { readonly error: ResponseError };
export type BlocksResponse = { readonly blocks: readonly EncodedBlock[] } | { readonly error: ResponseError };
export type ProposalBlockResponse = { readonly block: Uint8Array } | { readonly error: ResponseError };

type Fields = Record<string, unknown>;

function decode(t: protobuf.Type, bytes: Uint8Array): Fields {
  try {
    return t.toObject(t.decode(bytes), { longs: String, defaults: true, arrays: true });
  } catch (err) {
    throw new P2pError('MALFORMED', `malformed ${t.name}: ${(err as Error).message}`);
  }
}

function encode(t: protobuf.Type, fields: Fields): Uint8Array {
  return t.encode(fields).finish();
}

function bytes(o: Fields, field: string): Uint8Array {
  const v = o[field];
  if (!(v instanceof Uint8Array)) throw new P2pError('MALFORMED', `${field}: expected bytes`);
  // protobufjs hands out Buffers; a plain view keeps Buffer semantics (slice without copy) out.
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** uint64 as a JS number: heights never reach 2^53, so anything above is a lie, not a height. */
function u64(o: Fields, field: string): number {
  const v = o[field];
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new P2pError('MALFORMED', `${field}: expected uint64`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new P2pError('MALFORMED', `${field}: ${v} is beyond 2^53`);
  return n;
}

function int(o: Fields, field: string): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new P2pError('MALFORMED', `${field}: expected an integer`);
  return v;
}

function message(o: Fields, field: string): Fields | null {
  const v = o[field];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') throw new P2pError('MALFORMED', `${field}: expected a message`);
  return v as Fields;
}

function responseError(o: Fields): ResponseError {
  const msg = o['message'];
  return {
    code: int(o, 'code'),
    message: typeof msg === 'string' ? msg : '',
    retryAfterMs: int(o, 'retryAfterMs'),
  };
}

// --- gossip ---

export const encodeTxsMessage = (raws: readonly Uint8Array[]) => encode(T.tx, { raw: raws });
export const encodeTxMessage = (raw: Uint8Array) => encodeTxsMessage([raw]);

export function decodeTxsMessage(b: Uint8Array): Uint8Array[] {
  const list = decode(T.tx, b)['raw'];
  if (!Array.isArray(list)) throw new P2pError('MALFORMED', 'raw: expected a list');
  return list.map((raw: unknown) => bytes({ raw }, 'raw'));
}

/**
 * Encoded size of one transaction inside a TxMessage: field tag, length varint, bytes. A message is
 * the concatenation of its entries, so a batch's size is the sum.
 */
export function txEntryBytes(length: number): number {
  let varint = 1;
  for (let n = length; n >= 0x80; n = Math.floor(n / 0x80)) varint++;
  return 1 + varint + length;
}

export const encodeVoteMessage = (vote: Uint8Array, nonce = 0) => encode(T.vote, { vote, nonce });
export const decodeVoteMessage = (b: Uint8Array) => bytes(decode(T.vote, b), 'vote');

export const encodeEvidenceMessage = (evidence: Uint8Array) => encode(T.evidence, { evidence });
export const decodeEvidenceMessage = (b: Uint8Array) => bytes(decode(T.evidence, b), 'evidence');

export function encodeProposalMessage(p: ProposalWire): Uint8Array {
  return encode(T.proposal, { ...p });
}

export function decodeProposalMessage(b: Uint8Array): ProposalWire {
  const o = decode(T.proposal, b);
  return {
    height: u64(o, 'height'),
    round: int(o, 'round'),
    polRound: int(o, 'polRound'),
    block: bytes(o, 'block'),
    signature: bytes(o, 'signature'),
    blockHash: bytes(o, 'blockHash'),
  };
}

// --- sync ---

export const encodeStatusRequest = () => encode(T.statusRequest, {});
export const decodeStatusRequest = (b: Uint8Array): void => void decode(T.statusRequest, b);

export function encodeStatusResponse(r: StatusResponse): Uint8Array {
  return encode(T.statusResponse, 'error' in r ? { error: r.error } : { ...r.status });
}

export function decodeStatusResponse(b: Uint8Array): StatusResponse {
  const o = decode(T.statusResponse, b);
  const error = message(o, 'error');
  if (error) return { error: responseError(error) };
  return {
    status: {
      genesisHash: bytes(o, 'genesisHash'),
      height: u64(o, 'height'),
      headHash: bytes(o, 'headHash'),
      baseHeight: u64(o, 'baseHeight'),
      headCommit: bytes(o, 'headCommit'),
    },
  };
}

export const encodeBlocksRequest = (r: BlocksRequest) => encode(T.blocksRequest, { ...r });

export function decodeBlocksRequest(b: Uint8Array): BlocksRequest {
  const o = decode(T.blocksRequest, b);
  return { fromHeight: u64(o, 'fromHeight'), count: int(o, 'count'), maxBytes: int(o, 'maxBytes') };
}

export function encodeBlocksResponse(r: BlocksResponse): Uint8Array {
  return encode(
    T.blocksResponse,
    'error' in r ? { error: r.error } : { blocks: r.blocks.map((x) => ({ ...x })) },
  );
}

export function decodeBlocksResponse(b: Uint8Array): BlocksResponse {
  const o = decode(T.blocksResponse, b);
  const error = message(o, 'error');
  if (error) return { error: responseError(error) };
  const list = o['blocks'];
  if (!Array.isArray(list)) throw new P2pError('MALFORMED', 'blocks: expected a list');
  return {
    blocks: list.map((item: Fields) => ({ block: bytes(item, 'block'), commit: bytes(item, 'commit') })),
  };
}

export const encodeProposalBlockRequest = (blockHash: Uint8Array) =>
  encode(T.proposalBlockRequest, { blockHash });
export const decodeProposalBlockRequest = (b: Uint8Array) =>
  bytes(decode(T.proposalBlockRequest, b), 'blockHash');

export function encodeProposalBlockResponse(r: ProposalBlockResponse): Uint8Array {
  return encode(T.proposalBlockResponse, { ...r });
}

export function decodeProposalBlockResponse(b: Uint8Array): ProposalBlockResponse {
  const o = decode(T.proposalBlockResponse, b);
  const error = message(o, 'error');
  return error ? { error: responseError(error) } : { block: bytes(o, 'block') };
}

// Typed errors of the p2p layer. Gossip validation maps codes to verdicts (gossip/verdict.ts) and
// the syncer maps them to peer penalties (sync/syncer.ts), so every failure carries one.
import { OpenchainError } from '../core/errors.ts';

export type P2pErrorCode =
  /** A node key file that cannot be read or does not match its peer id. */
  | 'INVALID_NODE_KEY'
  /** A p2p setting that cannot work (bad multiaddr, bootstrap address without a peer id...). */
  | 'INVALID_P2P_CONFIG'
  /** Bytes from a peer that do not decode into the expected message. */
  | 'MALFORMED'
  /** A message or response larger than its limit. */
  | 'OVERSIZED'
  /** A message that decodes but contradicts itself (proposal height != block height...). */
  | 'INCONSISTENT';

export class P2pError extends OpenchainError<P2pErrorCode> {}

/** Failures of the request/response protocols (block sync and proposal block fetches). */
export type RequestErrorCode =
  /** No answer within the request timeout. */
  | 'TIMEOUT'
  /** The peer could not be dialed or does not speak the protocol (another chain, or gone). */
  | 'UNREACHABLE'
  /** The server refused: our request rate is over its limit. */
  | 'RATE_LIMITED'
  /** The server refused: too many requests in flight. */
  | 'BUSY'
  /** The server refused the request as invalid, or failed itself. */
  | 'REFUSED'
  /** The response breaks the protocol: undecodable, wrong heights, too many blocks, broken links. */
  | 'BAD_RESPONSE'
  /** The peer has none of what was asked although it said (status, gossip) it had. */
  | 'UNAVAILABLE';

export class RequestError extends OpenchainError<RequestErrorCode> {
  /** For RATE_LIMITED and BUSY: how long the server asked us to wait. */
  readonly retryAfterMs: number;
  constructor(code: RequestErrorCode, message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(code, message, options);
    this.retryAfterMs = options?.retryAfterMs ?? 0;
  }
}

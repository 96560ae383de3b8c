// Error codes on the wire and the typed error handlers throw to choose one.
import { OpenchainError } from '../core/errors.ts';
import type { ErrorObject, JsonValue } from './jsonrpc.ts';

export const ErrorCode = {
  // JSON-RPC 2.0
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  // Ethereum (EIP-1474 and geth usage)
  /** Generic application error; geth uses it for rejected transactions ("nonce too low"). */
  ServerError: -32000,
  /** geth's code for a batch whose responses exceed its size limit (BatchResponseMaxSize). */
  ResponseTooLarge: -32003,
  /** EIP-1474 "limit exceeded": the node is handling as many requests as it takes; clients retry later. */
  LimitExceeded: -32005,
  /** eth_call / eth_estimateGas revert; `data` carries the revert bytes as hex. */
  ExecutionReverted: 3,
} as const;

/** Thrown by handlers to send a specific error code, message and optional data to the client. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: JsonValue | undefined;
  constructor(code: number, message: string, data?: JsonValue) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }
}

/**
 * Maps anything a handler threw to the error the client sees. `internal` marks failures that are bugs
 * (to be logged with their stack); their message never reaches the client.
 */
export function toErrorObject(err: unknown): { error: ErrorObject; internal: boolean } {
  if (err instanceof RpcError) {
    const error: ErrorObject = { code: err.code, message: err.message };
    if (err.data !== undefined) error.data = err.data;
    return { error, internal: false };
  }
  // Domain errors from core/state carry messages written for users ("nonce too low", "bad RLP").
  if (err instanceof OpenchainError)
    return { error: { code: ErrorCode.ServerError, message: err.message }, internal: false };
  return { error: { code: ErrorCode.InternalError, message: 'internal error' }, internal: true };
}

// JSON-RPC 2.0 message shapes and the envelope check for one request object
// (https://www.jsonrpc.org/specification). Parameter validation is the registry's job.

/** What a handler may return: plain JSON. bigints are excluded on purpose, results are hex strings. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue | undefined };

export type RequestId = string | number | null;

export interface ErrorObject {
  code: number;
  message: string;
  data?: JsonValue;
}

/** A server-to-client notification, e.g. `eth_subscription`. */
export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params: JsonValue;
}

/** A well-formed request. */
export interface RpcRequest {
  /** undefined for a notification, which gets no response. */
  id: RequestId | undefined;
  method: string;
  /** Absent params are normalised to `[]`; by-name params stay an object (the registry rejects them). */
  params: readonly unknown[] | Readonly<Record<string, unknown>>;
}

export type EnvelopeCheck = { ok: true; request: RpcRequest } | { ok: false; id: RequestId; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is RequestId {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Validates the envelope of one request; a failure becomes -32600 for that request. */
export function checkEnvelope(value: unknown): EnvelopeCheck {
  if (!isRecord(value)) return { ok: false, id: null, message: 'invalid request: expected a JSON object' };
  const hasId = 'id' in value;
  if (hasId && !isRequestId(value.id))
    return { ok: false, id: null, message: 'invalid request: id must be a string, a number or null' };
  // Echo a valid id even on a malformed request so the client can match the error to its call.
  const id = hasId ? (value.id as RequestId) : null;
  if (value.jsonrpc !== '2.0') return { ok: false, id, message: 'invalid request: jsonrpc must be "2.0"' };
  if (typeof value.method !== 'string')
    return { ok: false, id, message: 'invalid request: method must be a string' };
  const params = value.params;
  if (params !== undefined && !Array.isArray(params) && !isRecord(params))
    return { ok: false, id, message: 'invalid request: params must be an array or an object' };
  return { ok: true, request: { id: hasId ? id : undefined, method: value.method, params: params ?? [] } };
}

/** Serializes a success response. Returns undefined if the result is not JSON (a bigint slipped through). */
export function serializeResult(id: RequestId, result: unknown): string | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(result);
  } catch {
    return undefined; // JSON.stringify throws a TypeError on bigint
  }
  if (json === undefined) return undefined; // undefined or a function
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${json}}`;
}

/** Serializes an error response; a non-JSON `data` is dropped rather than losing the error itself. */
export function serializeError(id: RequestId, error: ErrorObject): string {
  try {
    return JSON.stringify({ jsonrpc: '2.0', id, error });
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id, error: { code: error.code, message: error.message } });
  }
}

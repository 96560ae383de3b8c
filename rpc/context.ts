// What a handler knows about the transport it is called from, and the building blocks for
// eth_subscribe-style push: a per-connection handle and the eth_subscription notification shape.
import { randomBytes } from 'node:crypto';
import { bytesToHex } from '../core/bytes.ts';
import { ErrorCode, RpcError } from './errors.ts';
import type { JsonValue, RpcNotification } from './jsonrpc.ts';
import type { WorkBudget } from './work.ts';

/** One WebSocket connection, as seen by handlers. */
export interface Connection {
  readonly id: number;
  /** The client's IP address, for per-address limits. */
  readonly remoteAddress: string;
  /**
   * Queues a notification. Returns false when it was not sent: the connection is closed, or it was
   * just closed because the client stopped reading (its outgoing buffer hit the limit).
   */
  send(notification: RpcNotification): boolean;
  /** Queues an already serialized message; same return value as `send`. */
  write(text: string): boolean;
  /** Runs `callback` once when the connection closes; at once if it is already closed. */
  onClose(callback: () => void): void;
}

/** Where a request came from; the dispatcher adds the rest of the RequestContext. */
export type TransportContext =
  | { readonly transport: 'http'; readonly remoteAddress: string }
  | { readonly transport: 'ws'; readonly connection: Connection };

export type RequestContext = TransportContext & {
  /** Aborted when the client's connection closes: long handlers stop at their next `pause`. */
  readonly signal: AbortSignal;
  /** Shared by all calls of one HTTP body or WebSocket message. */
  readonly budget: WorkBudget;
};

/** For methods that only make sense with a connection to push to (eth_subscribe); geth's error. */
/** The client's IP address, for per-client limits that hold over HTTP and WebSocket alike. */
export function clientAddress(ctx: TransportContext): string {
  return ctx.transport === 'ws' ? ctx.connection.remoteAddress : ctx.remoteAddress;
}

export function requireConnection(ctx: RequestContext): Connection {
  if (ctx.transport !== 'ws') throw new RpcError(ErrorCode.MethodNotFound, 'notifications not supported');
  return ctx.connection;
}

/** A fresh subscription id in geth's format (16 random bytes as hex). */
export function newSubscriptionId(): string {
  return bytesToHex(randomBytes(16));
}

/** Pushes one `eth_subscription` notification; same return value as `Connection.send`. */
export function sendSubscription(connection: Connection, subscription: string, result: JsonValue): boolean {
  return connection.send({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } });
}

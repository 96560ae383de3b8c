// What a handler knows about the transport it is called from, and the building blocks for
// eth_subscribe-style push: a per-connection handle and the eth_subscription notification shape.
import { randomBytes } from 'node:crypto';
import { bytesToHex } from '../core/bytes.ts';
import { ErrorCode, RpcError } from './errors.ts';
import type { JsonValue, RpcNotification } from './jsonrpc.ts';

/** One WebSocket connection, as seen by handlers. */
export interface Connection {
  readonly id: number;
  /**
   * Queues a notification. Returns false when it was not sent: the connection is closed, or it was
   * just closed because the client stopped reading (its outgoing buffer hit the limit).
   */
  send(notification: RpcNotification): boolean;
  /** Runs `callback` once when the connection closes; at once if it is already closed. */
  onClose(callback: () => void): void;
}

export type RequestContext =
  | { readonly transport: 'http' }
  | { readonly transport: 'ws'; readonly connection: Connection };

/** For methods that only make sense with a connection to push to (eth_subscribe); geth's error. */
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

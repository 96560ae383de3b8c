// eth_subscribe over WebSocket: `newHeads` (each committed block's header) and `logs` (matching logs
// of each committed block). Subscriptions end with eth_unsubscribe or when the connection closes.
// Each block's header and each log is serialized once, however many subscriptions receive it.
import { z } from 'zod';
import type { Chain } from '../../state/chain.ts';
import { type Connection, newSubscriptionId, requireConnection, subscriptionMessage } from '../context.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import { formatHeader, formatLog } from '../format.ts';
import { method } from '../registry.ts';
import { bloomMayMatch, eachMatchingLog, type LogMatcher, logFilter, toMatcher } from './logs.ts';

interface Subscription {
  readonly connection: Connection;
  /** null: newHeads; otherwise the logs filter. */
  readonly logs: LogMatcher | null;
}

export interface SubscriptionLimits {
  readonly maxSubscriptionsPerConnection: number;
  /** Over all connections from one IP address: many connections must not multiply the cap. */
  readonly maxSubscriptionsPerIp: number;
}

export const SUBSCRIPTION_DEFAULTS: SubscriptionLimits = {
  maxSubscriptionsPerConnection: 100,
  maxSubscriptionsPerIp: 1_000,
};

/** Counts by key, dropping keys that reach zero. */
function bump(counts: Map<unknown, number>, key: unknown, by: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

export function subscriptionMethods(chain: Chain, limits: SubscriptionLimits = SUBSCRIPTION_DEFAULTS) {
  const subscriptions = new Map<string, Subscription>();
  const perConnection = new Map<unknown, number>();
  const perIp = new Map<unknown, number>();

  // Everything a notification needs comes with the commit, so notifications are sent synchronously,
  // in commit order, without reading the store.
  chain.onCommit(({ block, hash, receipts, txHashes }) => {
    const { header } = block;
    let head: string | undefined;
    const logJson = new Map<number, string>(); // by log index in the block
    for (const [id, sub] of subscriptions) {
      if (sub.logs === null) {
        head ??= JSON.stringify(formatHeader(header, hash));
        sub.connection.write(subscriptionMessage(id, head));
      } else if (bloomMayMatch(header.logsBloom, sub.logs)) {
        eachMatchingLog(receipts, sub.logs, (log, { txIndex, logIndex }) => {
          let json = logJson.get(logIndex);
          if (json === undefined) {
            const at = {
              blockHash: hash,
              blockNumber: header.height,
              txHash: txHashes[txIndex]!,
              txIndex,
              logIndex,
            };
            json = JSON.stringify(formatLog(log, at));
            logJson.set(logIndex, json);
          }
          sub.connection.write(subscriptionMessage(id, json));
        });
      }
    }
  });

  function remove(id: string): boolean {
    const sub = subscriptions.get(id);
    if (!sub) return false;
    subscriptions.delete(id);
    bump(perConnection, sub.connection, -1);
    bump(perIp, sub.connection.remoteAddress, -1);
    return true;
  }

  function subscribe(connection: Connection, logs: LogMatcher | null): string {
    const { maxSubscriptionsPerConnection, maxSubscriptionsPerIp } = limits;
    if ((perConnection.get(connection) ?? 0) >= maxSubscriptionsPerConnection) {
      throw new RpcError(
        ErrorCode.ServerError,
        `too many subscriptions on this connection (max ${maxSubscriptionsPerConnection})`,
      );
    }
    if ((perIp.get(connection.remoteAddress) ?? 0) >= maxSubscriptionsPerIp) {
      throw new RpcError(
        ErrorCode.ServerError,
        `too many subscriptions from this address (max ${maxSubscriptionsPerIp} over all its connections)`,
      );
    }
    const id = newSubscriptionId();
    subscriptions.set(id, { connection, logs });
    bump(perConnection, connection, 1);
    bump(perIp, connection.remoteAddress, 1);
    connection.onClose(() => remove(id));
    return id;
  }

  return {
    eth_subscribe: method(
      z.tuple([
        z.enum(['newHeads', 'logs'], { error: 'unsupported subscription: expected "newHeads" or "logs"' }),
        logFilter.optional(),
      ]),
      ([kind, filter], ctx) => {
        const connection = requireConnection(ctx);
        if (kind === 'newHeads' && filter)
          throw new RpcError(ErrorCode.InvalidParams, 'newHeads takes no filter');
        return subscribe(connection, kind === 'logs' ? toMatcher(filter ?? {}) : null);
      },
    ),
    eth_unsubscribe: method(z.tuple([z.string()]), ([id], ctx) => {
      const connection = requireConnection(ctx);
      if (subscriptions.get(id)?.connection !== connection) return false;
      return remove(id);
    }),
  };
}

// eth_subscribe over WebSocket: `newHeads` (each committed block's header) and `logs` (matching logs
// of each committed block). Subscriptions end with eth_unsubscribe or when the connection closes.
import { z } from 'zod';
import type { Chain } from '../../state/chain.ts';
import { type Connection, newSubscriptionId, requireConnection, sendSubscription } from '../context.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import { formatHeader } from '../format.ts';
import { method } from '../registry.ts';
import { type LogMatcher, logFilter, matchingLogs, toMatcher } from './logs.ts';

interface Subscription {
  readonly connection: Connection;
  /** null: newHeads; otherwise the logs filter. */
  readonly logs: LogMatcher | null;
}

const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;

export function subscriptionMethods(chain: Chain) {
  const subscriptions = new Map<string, Subscription>();

  // Everything a notification needs comes with the commit, so notifications are sent synchronously,
  // in commit order, without reading the store.
  chain.onCommit(({ block, hash, receipts, txHashes }) => {
    const height = block.header.height;
    for (const [id, sub] of subscriptions) {
      if (sub.logs === null) {
        sendSubscription(sub.connection, id, formatHeader(block.header, hash));
      } else {
        const logs = matchingLogs({ height, hash }, receipts, (i) => txHashes[i]!, sub.logs);
        for (const log of logs) sendSubscription(sub.connection, id, log);
      }
    }
  });

  function subscribe(connection: Connection, logs: LogMatcher | null): string {
    let count = 0;
    for (const sub of subscriptions.values()) if (sub.connection === connection) count++;
    if (count >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      throw new RpcError(
        ErrorCode.ServerError,
        `too many subscriptions on this connection (max ${MAX_SUBSCRIPTIONS_PER_CONNECTION})`,
      );
    }
    const id = newSubscriptionId();
    subscriptions.set(id, { connection, logs });
    connection.onClose(() => subscriptions.delete(id));
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
      const sub = subscriptions.get(id);
      if (!sub || sub.connection !== connection) return false;
      subscriptions.delete(id);
      return true;
    }),
  };
}

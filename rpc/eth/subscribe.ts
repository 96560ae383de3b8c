// eth_subscribe over WebSocket: `newHeads` (each committed block's header) and `logs` (matching logs
// of each committed block). Subscriptions end with eth_unsubscribe or when the connection closes; the
// caps they count against are shared with open_subscribe (rpc/subscriptions.ts).
import { z } from 'zod';
import { requireConnection } from '../context.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import { method } from '../registry.ts';
import { RAW_LOGS, type SubscriptionHub } from '../subscriptions.ts';
import { logFilter, toMatcher } from './logs.ts';

const NOTIFICATION = 'eth_subscription';

export function subscriptionMethods(hub: SubscriptionHub) {
  return {
    eth_subscribe: method(
      z.tuple([
        z.enum(['newHeads', 'logs'], { error: 'unsupported subscription: expected "newHeads" or "logs"' }),
        logFilter.optional(),
      ]),
      ([kind, filter], ctx) => {
        const connection = requireConnection(ctx);
        if (kind === 'newHeads') {
          if (filter) throw new RpcError(ErrorCode.InvalidParams, 'newHeads takes no filter');
          return hub.add(connection, (commit) => [commit.headJson()], NOTIFICATION);
        }
        const matcher = toMatcher(filter ?? {});
        return hub.add(connection, (commit) => commit.matchingLogs(matcher, RAW_LOGS), NOTIFICATION);
      },
    ),
    eth_unsubscribe: method(z.tuple([z.string()]), ([id], ctx) =>
      hub.remove(requireConnection(ctx), id, NOTIFICATION),
    ),
  };
}

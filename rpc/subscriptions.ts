// The WebSocket subscriptions of every namespace (eth_subscribe, open_subscribe) in one hub, so the
// per-connection and per-IP caps hold over all of them. Each subscription is a feed: what it sends for
// a committed block. Notifications go out synchronously, in commit order, without reading the store;
// a block's header and each of its logs are serialized once however many feeds send them.
import type { Log } from '../core/receipt.ts';
import type { Chain, CommittedBlockInfo } from '../state/chain.ts';
import type { StoredReceipt } from '../state/store/receipts.ts';
import { type Connection, newSubscriptionId } from './context.ts';
import { ErrorCode, RpcError } from './errors.ts';
import { bloomMayMatch, eachMatchingLog, type LogMatcher, logMatches } from './eth/logs.ts';
import { formatHeader, formatLog, type LogLocation } from './format.ts';

export interface SubscriptionLimits {
  readonly maxSubscriptionsPerConnection: number;
  /** Over all connections from one IP address: many connections must not multiply the cap. */
  readonly maxSubscriptionsPerIp: number;
}

export const SUBSCRIPTION_DEFAULTS: SubscriptionLimits = {
  maxSubscriptionsPerConnection: 100,
  maxSubscriptionsPerIp: 1_000,
};

/** One committed block, with its serializations made at most once for all feeds. */
export class CommitView {
  readonly info: CommittedBlockInfo;
  #head: string | undefined;
  readonly #logs = new Map<string, string>(); // by renderer name and log index

  constructor(info: CommittedBlockInfo) {
    this.info = info;
  }

  headJson(): string {
    this.#head ??= JSON.stringify(formatHeader(this.info.block.header, this.info.hash));
    return this.#head;
  }

  /**
   * The block's logs matching `m`, each rendered by `render` (named, so that one rendering of a log is
   * shared by every feed using the same renderer); a log it renders as undefined is skipped.
   */
  matchingLogs(m: LogMatcher, renderer: LogRenderer): string[] {
    const { block, hash, receipts, txHashes } = this.info;
    const found: string[] = [];
    if (!bloomMayMatch(block.header.logsBloom, m)) return found;
    eachMatchingLog(receipts, m, (log, { txIndex, logIndex }) => {
      const key = `${renderer.name}:${logIndex}`;
      let json = this.#logs.get(key);
      if (json === undefined) {
        const at = {
          blockHash: hash,
          blockNumber: block.header.height,
          txHash: txHashes[txIndex]!,
          txIndex,
          logIndex,
        };
        const rendered = renderer.render(log, at);
        json = rendered === undefined ? '' : JSON.stringify(rendered);
        this.#logs.set(key, json);
      }
      if (json !== '') found.push(json);
    });
    return found;
  }

  /**
   * The block's end-of-block events (no transaction's; open_subscribe only, as eth_getLogs leaves
   * them out) matching `m`, rendered by `renderer`, indexed after the transactions' logs.
   */
  matchingBlockEvents(m: LogMatcher, renderer: LogRenderer): string[] {
    const { block, hash, events } = this.info;
    const first = blockLogCount(this.info.receipts);
    const found: string[] = [];
    events.forEach((log, i) => {
      if (!logMatches(log, m)) return;
      const at = { blockHash: hash, blockNumber: block.header.height, txHash: null, txIndex: null };
      const rendered = renderer.render(log, { ...at, logIndex: first + i });
      if (rendered !== undefined) found.push(JSON.stringify(rendered));
    });
    return found;
  }
}

/** How many logs a block's transactions emitted: its end-of-block events are indexed after them. */
export function blockLogCount(receipts: readonly StoredReceipt[]): number {
  const last = receipts.at(-1);
  return last ? last.firstLogIndex + last.logs.length : 0;
}

export interface LogRenderer {
  readonly name: string;
  render(log: Log, at: LogLocation): unknown;
}

/** Logs as eth_getLogs shows them. */
export const RAW_LOGS: LogRenderer = { name: 'raw', render: formatLog };

/** What a subscription sends for one committed block: serialized results. */
export type Feed = (commit: CommitView) => Iterable<string>;

interface Subscription {
  readonly connection: Connection;
  readonly feed: Feed;
  /** The notification's method: `eth_subscription` or `open_subscription`. */
  readonly notification: string;
}

/** Counts by key, dropping keys that reach zero. */
function bump(counts: Map<unknown, number>, key: unknown, by: 1 | -1): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}

/** The notification text around an already serialized result. */
export function notificationMessage(method: string, subscription: string, resultJson: string): string {
  return `{"jsonrpc":"2.0","method":${JSON.stringify(method)},"params":{"subscription":${JSON.stringify(subscription)},"result":${resultJson}}}`;
}

export class SubscriptionHub {
  readonly #limits: SubscriptionLimits;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #perConnection = new Map<unknown, number>();
  readonly #perIp = new Map<unknown, number>();

  constructor(chain: Chain, limits: SubscriptionLimits = SUBSCRIPTION_DEFAULTS) {
    this.#limits = limits;
    chain.onCommit((info) => {
      if (this.#subscriptions.size === 0) return;
      const commit = new CommitView(info);
      for (const [id, sub] of this.#subscriptions)
        for (const json of sub.feed(commit))
          sub.connection.write(notificationMessage(sub.notification, id, json));
    });
  }

  /** Starts a subscription; throws when the connection or its IP address is at its cap. */
  add(connection: Connection, feed: Feed, notification: string): string {
    const { maxSubscriptionsPerConnection, maxSubscriptionsPerIp } = this.#limits;
    if ((this.#perConnection.get(connection) ?? 0) >= maxSubscriptionsPerConnection) {
      throw new RpcError(
        ErrorCode.ServerError,
        `too many subscriptions on this connection (max ${maxSubscriptionsPerConnection})`,
      );
    }
    if ((this.#perIp.get(connection.remoteAddress) ?? 0) >= maxSubscriptionsPerIp) {
      throw new RpcError(
        ErrorCode.ServerError,
        `too many subscriptions from this address (max ${maxSubscriptionsPerIp} over all its connections)`,
      );
    }
    const id = newSubscriptionId();
    this.#subscriptions.set(id, { connection, feed, notification });
    bump(this.#perConnection, connection, 1);
    bump(this.#perIp, connection.remoteAddress, 1);
    connection.onClose(() => this.#remove(id));
    return id;
  }

  /** Ends a subscription of this connection made with this notification method; false if none. */
  remove(connection: Connection, id: string, notification: string): boolean {
    const sub = this.#subscriptions.get(id);
    if (sub?.connection !== connection || sub.notification !== notification) return false;
    return this.#remove(id);
  }

  #remove(id: string): boolean {
    const sub = this.#subscriptions.get(id);
    if (!sub) return false;
    this.#subscriptions.delete(id);
    bump(this.#perConnection, sub.connection, -1);
    bump(this.#perIp, sub.connection.remoteAddress, -1);
    return true;
  }
}

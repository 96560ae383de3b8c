// Polling filters, as geth: eth_newFilter (logs), eth_newBlockFilter and
// eth_newPendingTransactionFilter install a filter; eth_getFilterChanges returns what happened since
// the last poll; eth_getFilterLogs re-runs a log filter as eth_getLogs; eth_uninstallFilter ends it.
// ethers, web3.js and viem's `poll: true` watchers use them over HTTP, where eth_subscribe cannot push.
//
// Block and log filters keep only the next height to read and read committed blocks on each poll,
// through eth_getLogs' machinery and its work budget. Pending-transaction filters keep the hashes the
// mempool admitted since the last poll (at most maxPendingHashes). A filter not polled for
// filterTimeoutMs is dropped; filters are capped per client address and in total.
import { z } from 'zod';
import type { Hex } from '../../core/bytes.ts';
import type { Chain } from '../../state/chain.ts';
import { clientAddress, newSubscriptionId, type RequestContext } from '../context.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import type { JsonValue } from '../jsonrpc.ts';
import type { BlockRef } from '../params.ts';
import { method } from '../registry.ts';
import {
  filterRange,
  getLogs,
  type LogFilter,
  type LogMatcher,
  logFilter,
  MAX_LOG_RANGE,
  scanLogs,
  toMatcher,
} from './logs.ts';

export interface FilterLimits {
  /** Filters of one client address, over HTTP and WebSocket together. */
  readonly maxFiltersPerClient: number;
  /** Filters of all clients together. */
  readonly maxFilters: number;
  /** A filter not polled with eth_getFilterChanges for this long is uninstalled (geth: 5 minutes). */
  readonly filterTimeoutMs: number;
  /** Pending-transaction hashes a filter keeps between polls; the oldest are dropped first. */
  readonly maxPendingHashes: number;
  /** Milliseconds since the epoch; tests pass their own clock to expire filters without waiting. */
  readonly now?: () => number;
}

export const FILTER_DEFAULTS: FilterLimits = {
  maxFiltersPerClient: 100,
  maxFilters: 10_000,
  filterTimeoutMs: 5 * 60_000,
  maxPendingHashes: 10_000,
};

type Watch =
  | { readonly kind: 'logs'; readonly filter: LogFilter; readonly matcher: LogMatcher; next: number }
  | { readonly kind: 'blocks'; next: number }
  | { readonly kind: 'pending'; hashes: Hex[] };

type Filter = Watch & { readonly client: string; deadline: number };

/** The height a log filter's bound names for polling: tags other than "earliest" move with the head. */
function boundOf(ref: BlockRef | null | undefined, moving: number): number {
  if (ref?.kind === 'number') return ref.number;
  if (ref?.kind === 'tag' && ref.tag === 'earliest') return 0;
  return moving;
}

const filterId = z.string({ error: 'expected a filter id (hex string)' }).max(66, 'filter id too long');

export function filterMethods(chain: Chain, limits: FilterLimits = FILTER_DEFAULTS) {
  const now = limits.now ?? Date.now;
  const filters = new Map<string, Filter>();
  const perClient = new Map<string, number>();

  function remove(id: string): boolean {
    const filter = filters.get(id);
    if (!filter) return false;
    filters.delete(id);
    const n = perClient.get(filter.client)! - 1;
    if (n === 0) perClient.delete(filter.client);
    else perClient.set(filter.client, n);
    return true;
  }

  function sweep(): void {
    const t = now();
    for (const [id, filter] of filters) if (filter.deadline <= t) remove(id);
  }

  // Once per block is often enough to free expired filters; lookups check the deadline themselves.
  chain.onCommit(sweep);
  chain.mempool.onAdded((hash) => {
    for (const filter of filters.values()) {
      if (filter.kind !== 'pending') continue;
      if (filter.hashes.length >= limits.maxPendingHashes) filter.hashes.shift();
      filter.hashes.push(hash);
    }
  });

  function install(ctx: RequestContext, watch: Watch): string {
    sweep();
    const client = clientAddress(ctx);
    if ((perClient.get(client) ?? 0) >= limits.maxFiltersPerClient) {
      throw new RpcError(
        ErrorCode.ServerError,
        `too many filters from this client (max ${limits.maxFiltersPerClient}); uninstall unused ones with eth_uninstallFilter`,
      );
    }
    if (filters.size >= limits.maxFilters)
      throw new RpcError(ErrorCode.ServerError, `too many filters on this node (max ${limits.maxFilters})`);
    const id = newSubscriptionId();
    filters.set(id, { ...watch, client, deadline: now() + limits.filterTimeoutMs });
    perClient.set(client, (perClient.get(client) ?? 0) + 1);
    return id;
  }

  function lookup(id: string): Filter {
    const filter = filters.get(id);
    if (!filter || filter.deadline <= now()) {
      if (filter) remove(id);
      // geth's message; the reason helps a client that polled too slowly.
      throw new RpcError(
        ErrorCode.ServerError,
        `filter not found: ${id} was never installed, was uninstalled, or expired after ${limits.filterTimeoutMs / 1000} s without eth_getFilterChanges`,
      );
    }
    return filter;
  }

  /** Logs of the blocks committed since the last poll, within the filter's own range. */
  async function logChanges(
    filter: Extract<Filter, { kind: 'logs' }>,
    ctx: RequestContext,
  ): Promise<JsonValue[]> {
    const head = chain.head.header.height;
    const from = Math.max(filter.next, boundOf(filter.filter.fromBlock, 0));
    const to = Math.min(head, boundOf(filter.filter.toBlock, head));
    // At most what one request may pay for, so that a filter left behind (a node catching up) still
    // makes progress: the rest comes with the next poll.
    const affordable = Math.floor(ctx.budget.limit / Math.max(1, filter.matcher.terms));
    const end = Math.min(to, from + Math.max(1, Math.min(MAX_LOG_RANGE, affordable)) - 1);
    if (from > end) {
      filter.next = Math.max(filter.next, head + 1);
      return [];
    }
    // Moved before the scan so that a concurrent poll of the same filter cannot return these logs
    // again; moved back if the scan fails (over budget, client gone), so that none are lost.
    const before = filter.next;
    const after = end === to ? Math.max(end, head) + 1 : end + 1;
    filter.next = after;
    try {
      return await scanLogs(chain, from, end, filter.matcher, ctx, 'eth_getFilterChanges');
    } catch (err) {
      if (filter.next === after) filter.next = before;
      throw err;
    }
  }

  function blockChanges(filter: Extract<Filter, { kind: 'blocks' }>, ctx: RequestContext): Hex[] {
    const head = chain.head.header.height;
    const end = Math.min(head, filter.next + Math.min(MAX_LOG_RANGE, ctx.budget.limit) - 1);
    if (filter.next > end) return [];
    ctx.budget.charge(end - filter.next + 1, `eth_getFilterChanges over ${end - filter.next + 1} blocks`);
    const hashes: Hex[] = [];
    for (let h = filter.next; h <= end; h++) hashes.push(chain.blocks.getHeader(h)!.hash);
    filter.next = end + 1;
    return hashes;
  }

  return {
    eth_newFilter: method(z.tuple([logFilter]), ([filter], ctx) => {
      // Rejects what eth_getLogs would reject (both blockHash and a range, an unknown block hash).
      filterRange(chain, filter);
      const next = chain.head.header.height + 1;
      return install(ctx, { kind: 'logs', filter, matcher: toMatcher(filter), next });
    }),
    eth_newBlockFilter: method(z.tuple([]), (_params, ctx) =>
      install(ctx, { kind: 'blocks', next: chain.head.header.height + 1 }),
    ),
    eth_newPendingTransactionFilter: method(z.tuple([]), (_params, ctx) =>
      install(ctx, { kind: 'pending', hashes: [] }),
    ),
    eth_getFilterChanges: method(z.tuple([filterId]), async ([id], ctx): Promise<JsonValue> => {
      const filter = lookup(id);
      filter.deadline = now() + limits.filterTimeoutMs;
      switch (filter.kind) {
        case 'logs':
          return logChanges(filter, ctx);
        case 'blocks':
          return blockChanges(filter, ctx);
        case 'pending': {
          const hashes = filter.hashes;
          filter.hashes = [];
          return hashes;
        }
      }
    }),
    eth_getFilterLogs: method(z.tuple([filterId]), ([id], ctx) => {
      const filter = lookup(id);
      if (filter.kind !== 'logs')
        throw new RpcError(
          ErrorCode.ServerError,
          `filter ${id} is a ${filter.kind} filter, not a log filter`,
        );
      return getLogs(chain, filter.filter, ctx, 'eth_getFilterLogs');
    }),
    eth_uninstallFilter: method(z.tuple([filterId]), ([id]) => {
      // An expired filter is already gone for its client, even before the next sweep.
      const live = (filters.get(id)?.deadline ?? 0) > now();
      return remove(id) && live;
    }),
  };
}

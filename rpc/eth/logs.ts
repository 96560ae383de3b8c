// eth_getLogs: logs of committed blocks filtered by block range, address and topics. Each block's
// header bloom is checked first, so only blocks that may match have their receipts read. A query is
// charged blocks × filter terms against the request's work budget before it starts, hashes its terms
// once, and pauses between blocks so that the event loop keeps turning.
import { z } from 'zod';
import type { Address } from '../../core/address.ts';
import { bloomBitsOf, bloomHasBits } from '../../core/bloom.ts';
import { type Hex, hexToBytes } from '../../core/bytes.ts';
import type { Log } from '../../core/receipt.ts';
import type { Chain } from '../../state/chain.ts';
import type { StoredReceipt } from '../../state/store/receipts.ts';
import type { RequestContext } from '../context.ts';
import { ErrorCode, RpcError } from '../errors.ts';
import { formatLog } from '../format.ts';
import type { JsonValue } from '../jsonrpc.ts';
import { address, blockNumberOrTag, hash } from '../params.ts';
import { method } from '../registry.ts';
import { pause } from '../work.ts';
import { resolveHeight } from './blocks.ts';

export const MAX_LOG_RANGE = 10_000;
export const MAX_LOG_RESULTS = 10_000;

const topicSlot = z.union([hash, z.array(hash).max(16)]).nullable();

export const logFilter = z.object({
  fromBlock: blockNumberOrTag.nullish(),
  toBlock: blockNumberOrTag.nullish(),
  blockHash: hash.nullish(),
  address: z.union([address, z.array(address).max(100)]).nullish(),
  topics: z.array(topicSlot).max(4).nullish(),
});

export type LogFilter = z.output<typeof logFilter>;

/** A filter in matching form: null means "anything" at that position. */
export interface LogMatcher {
  readonly addresses: readonly Address[] | null;
  readonly topics: readonly (readonly Hex[] | null)[];
  /** The bloom bits (`bloomBitsOf`) of each address and topic above, computed once per filter. */
  readonly addressBits: readonly number[] | null;
  readonly topicBits: readonly (readonly number[] | null)[];
  /** How many addresses and topics the filter names: its cost per block. */
  readonly terms: number;
}

const bitsOf = (values: readonly Hex[]) => values.map((v) => bloomBitsOf(hexToBytes(v)));

export function toMatcher(filter: LogFilter): LogMatcher {
  const listed =
    filter.address == null ? null : Array.isArray(filter.address) ? filter.address : [filter.address];
  const addresses = listed && listed.length > 0 ? listed : null;
  const topics = (filter.topics ?? []).map((t) => (t === null ? null : Array.isArray(t) ? t : [t]));
  return {
    addresses,
    topics,
    addressBits: addresses && bitsOf(addresses),
    topicBits: topics.map((t) => t && bitsOf(t)),
    terms: (addresses?.length ?? 0) + topics.reduce((n, t) => n + (t?.length ?? 0), 0),
  };
}

export function logMatches(log: Log, m: LogMatcher): boolean {
  if (m.addresses && !m.addresses.includes(log.address)) return false;
  // As geth: a filter with more topic positions than the log has topics never matches, even when
  // the extra positions are wildcards; it is how a filter tells events of different arity apart.
  if (m.topics.length > log.topics.length) return false;
  for (const [i, wanted] of m.topics.entries()) {
    if (wanted === null || wanted.length === 0) continue;
    const topic = log.topics[i];
    if (topic === undefined || !wanted.includes(topic)) return false;
  }
  return true;
}

export function bloomMayMatch(bloom: Uint8Array, m: LogMatcher): boolean {
  if (m.addressBits && !m.addressBits.some((bits) => bloomHasBits(bloom, bits))) return false;
  return m.topicBits.every(
    (wanted) => !wanted || wanted.length === 0 || wanted.some((bits) => bloomHasBits(bloom, bits)),
  );
}

/** Where a log sits: its transaction's index in the block and its own index in the block. */
export interface LogPosition {
  readonly txIndex: number;
  readonly logIndex: number;
}

/** Calls `found` for each log of a block's receipts that the filter matches, in block order. */
export function eachMatchingLog(
  receipts: readonly StoredReceipt[],
  m: LogMatcher,
  found: (log: Log, at: LogPosition) => void,
): void {
  for (const [txIndex, r] of receipts.entries())
    r.logs.forEach((log, i) => {
      if (logMatches(log, m)) found(log, { txIndex, logIndex: r.firstLogIndex + i });
    });
}

/** Matching logs of a block given its receipts; `txHash(i)` names the block's i-th transaction. */
export function matchingLogs(
  block: { height: number; hash: Hex },
  receipts: readonly StoredReceipt[],
  txHash: (index: number) => Hex,
  m: LogMatcher,
): JsonValue[] {
  const out: JsonValue[] = [];
  eachMatchingLog(receipts, m, (log, { txIndex, logIndex }) =>
    out.push(
      formatLog(log, {
        blockHash: block.hash,
        blockNumber: block.height,
        txHash: txHash(txIndex),
        txIndex,
        logIndex,
      }),
    ),
  );
  return out;
}

/** Matching logs of one committed block, in Ethereum's JSON form. */
export async function blockLogs(chain: Chain, height: number, m: LogMatcher): Promise<JsonValue[]> {
  const { header, hash } = chain.blocks.getHeader(height)!;
  if (!bloomMayMatch(header.logsBloom, m)) return [];
  const receipts = await chain.blocks.getReceipts(height);
  return matchingLogs({ height, hash }, receipts, (i) => chain.blocks.txHashAt(height, i), m);
}

/** The committed heights a filter's blockHash or fromBlock/toBlock name; null when the range is empty. */
export function filterRange(chain: Chain, filter: LogFilter): { from: number; to: number } | null {
  if (filter.blockHash) {
    if (filter.fromBlock || filter.toBlock) {
      throw new RpcError(
        ErrorCode.InvalidParams,
        'invalid argument 0: cannot specify both blockHash and fromBlock/toBlock',
      );
    }
    const height = chain.blocks.heightOf(filter.blockHash);
    if (height === undefined) throw new RpcError(ErrorCode.ServerError, 'unknown block');
    return { from: height, to: height };
  }
  const head = chain.head.header.height;
  const from = filter.fromBlock ? resolveHeight(chain, filter.fromBlock) : head;
  if (from === undefined) return null;
  // A range reaching past the head is clipped to it, as geth does.
  const to = (filter.toBlock ? resolveHeight(chain, filter.toBlock) : head) ?? head;
  if (from > to)
    throw new RpcError(ErrorCode.InvalidParams, 'invalid block range: fromBlock is after toBlock');
  return { from, to };
}

/**
 * Matching logs of committed blocks `from`..`to`, charged to the request's budget before it starts
 * and pausing between blocks; `method` names the caller in the budget's error.
 */
export async function scanLogs(
  chain: Chain,
  from: number,
  to: number,
  matcher: LogMatcher,
  ctx: RequestContext,
  method: string,
): Promise<JsonValue[]> {
  if (to - from + 1 > MAX_LOG_RANGE) {
    throw new RpcError(
      ErrorCode.ServerError,
      `block range too large: at most ${MAX_LOG_RANGE} blocks per query`,
    );
  }
  const blocks = to - from + 1;
  // A filter without terms still reads each block's bloom: at least one unit per block.
  ctx.budget.charge(
    blocks * Math.max(1, matcher.terms),
    `${method} over ${blocks} blocks with ${matcher.terms} addresses and topics`,
  );
  const out: JsonValue[] = [];
  for (let h = from; h <= to; h++) {
    await pause(ctx.signal);
    out.push(...(await blockLogs(chain, h, matcher)));
    if (out.length > MAX_LOG_RESULTS) {
      throw new RpcError(
        ErrorCode.ServerError,
        `query returned more than ${MAX_LOG_RESULTS} results; narrow the range`,
      );
    }
  }
  return out;
}

/** eth_getLogs for a validated filter (also eth_getFilterLogs). */
export async function getLogs(
  chain: Chain,
  filter: LogFilter,
  ctx: RequestContext,
  method: string,
): Promise<JsonValue[]> {
  const range = filterRange(chain, filter);
  if (range === null) return [];
  return scanLogs(chain, range.from, range.to, toMatcher(filter), ctx, method);
}

export function logMethods(chain: Chain) {
  return {
    eth_getLogs: method(z.tuple([logFilter]), ([filter], ctx) => getLogs(chain, filter, ctx, 'eth_getLogs')),
  };
}

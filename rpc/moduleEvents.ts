// open_subscribe over WebSocket: a native module's events as JSON, so dashboards need not poll or
// ABI-decode logs. Each committed event (a log of the module's address) is sent as an
// `open_subscription` notification: { module, event, args, blockNumber, blockHash, transactionHash,
// logIndex }, args in the open_ methods' JSON (quantities as hex, enum fields by name, addresses
// lowercase). `{ events: [...] }` narrows a subscription to some of the module's events by name.
// Events of a block's end-of-block step (governance outcomes) come after its transactions' events,
// with transactionHash null; open_getBlockEvents serves them for any block.
import { type Abi, AbiEvent } from 'ox';
import { z } from 'zod';
import { bigintToHex, bytesToHex, type Hex } from '../core/bytes.ts';
import type { Log } from '../core/receipt.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/index.ts';
import { GOV_ADDRESS, govAbi } from '../state/modules/gov/index.ts';
import { STAKING_ADDRESS, stakingAbi } from '../state/modules/staking/index.ts';
import { ATTRIBUTION_ENUMS } from './attribution.ts';
import { requireConnection } from './context.ts';
import { ErrorCode, RpcError } from './errors.ts';
import { toMatcher } from './eth/logs.ts';
import { formatLog, type LogLocation } from './format.ts';
import { GOV_ENUMS } from './gov.ts';
import type { JsonValue } from './jsonrpc.ts';
import { recordToJson } from './records.ts';
import { method } from './registry.ts';
import { STAKING_ENUMS } from './staking.ts';
import type { LogRenderer, SubscriptionHub } from './subscriptions.ts';

const NOTIFICATION = 'open_subscription';

interface EventModule {
  readonly address: `0x${string}`;
  readonly events: ReadonlyMap<Hex, AbiEvent.AbiEvent>; // by selector (topic 0)
  readonly enums: Readonly<Record<string, Record<number, string>>>;
}

function eventModule(address: `0x${string}`, abi: Abi.Abi, enums: EventModule['enums']): EventModule {
  const events = abi.filter((item): item is AbiEvent.AbiEvent => item.type === 'event');
  return { address, events: new Map(events.map((e) => [AbiEvent.getSelector(e), e])), enums };
}

const MODULES = {
  attribution: eventModule(ATTRIBUTION_ADDRESS, attributionAbi, ATTRIBUTION_ENUMS),
  staking: eventModule(STAKING_ADDRESS, stakingAbi, STAKING_ENUMS),
  gov: eventModule(GOV_ADDRESS, govAbi, GOV_ENUMS),
} as const;
type ModuleName = keyof typeof MODULES;

/** The module's event in `log` as JSON; undefined for a log the module's ABI does not declare. */
function decodeEvent(name: ModuleName, log: Log, at: LogLocation): unknown {
  const { events, enums } = MODULES[name];
  const event = log.topics[0] && events.get(log.topics[0]);
  if (!event) return undefined;
  const decoded = AbiEvent.decode(event, {
    topics: [...log.topics] as never,
    data: bytesToHex(log.data),
  }) as Record<string, unknown>;
  // The decoder checksums addresses; the API writes them lowercase.
  for (const input of event.inputs)
    if (input.type === 'address' && input.name)
      decoded[input.name] = String(decoded[input.name]).toLowerCase();
  return {
    module: name,
    event: event.name,
    args: recordToJson(decoded, enums),
    blockNumber: bigintToHex(BigInt(at.blockNumber)),
    blockHash: at.blockHash,
    transactionHash: at.txHash,
    logIndex: bigintToHex(BigInt(at.logIndex)),
  };
}

/**
 * An end-of-block event as open_getBlockEvents serves it: the log in eth_getLogs' form (its
 * transactionHash and transactionIndex null) with its module's decoding (module, event, args).
 */
export function blockEventJson(log: Log, at: LogLocation): JsonValue {
  const name = (Object.keys(MODULES) as ModuleName[]).find((m) => MODULES[m].address === log.address);
  const decoded = name && (decodeEvent(name, log, at) as Record<string, JsonValue> | undefined);
  return { ...(formatLog(log, at) as Record<string, JsonValue>), ...(decoded ?? {}) };
}

const RENDERERS: Record<ModuleName, LogRenderer> = {
  attribution: { name: 'attribution', render: (log, at) => decodeEvent('attribution', log, at) },
  staking: { name: 'staking', render: (log, at) => decodeEvent('staking', log, at) },
  gov: { name: 'gov', render: (log, at) => decodeEvent('gov', log, at) },
};

const options = z.object({ events: z.array(z.string()).min(1).max(64) }).strict();

export function moduleEventMethods(hub: SubscriptionHub) {
  return {
    open_subscribe: method(
      z.tuple([
        z.enum(Object.keys(MODULES) as [ModuleName, ...ModuleName[]], {
          error: `unsupported subscription: expected one of ${Object.keys(MODULES)
            .map((m) => `"${m}"`)
            .join(', ')}`,
        }),
        options.optional(),
      ]),
      ([name, opts], ctx) => {
        const connection = requireConnection(ctx);
        const module = MODULES[name];
        const byName = new Map([...module.events].map(([selector, e]) => [e.name, selector]));
        const selectors = (opts?.events ?? []).map((event) => {
          const selector = byName.get(event);
          if (!selector)
            throw new RpcError(
              ErrorCode.InvalidParams,
              `the ${name} module has no event ${JSON.stringify(event)}; it has ${[...byName.keys()].join(', ')}`,
            );
          return selector;
        });
        const matcher = toMatcher({
          address: module.address,
          topics: selectors.length > 0 ? [selectors] : [],
        });
        const renderer = RENDERERS[name];
        return hub.add(
          connection,
          (commit) => [
            ...commit.matchingLogs(matcher, renderer),
            ...commit.matchingBlockEvents(matcher, renderer),
          ],
          NOTIFICATION,
        );
      },
    ),
    open_unsubscribe: method(z.tuple([z.string()]), ([id], ctx) =>
      hub.remove(requireConnection(ctx), id, NOTIFICATION),
    ),
  };
}

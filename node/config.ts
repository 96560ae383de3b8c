// The node's own settings (config.json in the node home). Unlike the genesis, these are local and
// may differ between nodes; every field has a default, and unknown fields are errors (typos).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OpenchainError } from '../core/errors.ts';
import { p2pConfigSchema } from '../p2p/config.ts';
import { FILTER_DEFAULTS } from '../rpc/eth/filters.ts';
import { RPC_DEFAULTS } from '../rpc/server.ts';
import { SUBSCRIPTION_DEFAULTS } from '../rpc/subscriptions.ts';
import { attestationConfigSchema } from './attestation/config.ts';
import { testOnlyRefusal, testOnlySchema } from './testOnly.ts';

const port = z.number().int().min(0).max(65_535);
const ms = z.number().int().min(0).max(600_000);
const count = z.number().int().positive();

export const configSchema = z.strictObject({
  moniker: z.string().min(1).max(64).default('openchain-node'),
  rpc: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().default('127.0.0.1'),
      port: port.default(8545),
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .default(10 * 1024 * 1024),
      maxBatchSize: z.number().int().positive().default(10_000),
      corsOrigins: z.array(z.string()).default(['*']),
      // Abuse limits; each is described in docs/rpc-transport.md.
      maxConnections: count.default(RPC_DEFAULTS.maxConnections),
      maxConnectionsPerIp: count.default(RPC_DEFAULTS.maxConnectionsPerIp),
      reservedFileDescriptors: z.number().int().min(0).default(RPC_DEFAULTS.reservedFileDescriptors),
      headersTimeoutMs: count.max(600_000).default(RPC_DEFAULTS.headersTimeoutMs),
      requestTimeoutMs: count.max(600_000).default(RPC_DEFAULTS.requestTimeoutMs),
      keepAliveTimeoutMs: count.max(600_000).default(RPC_DEFAULTS.keepAliveTimeoutMs),
      maxResponseBytes: count.default(RPC_DEFAULTS.maxResponseBytes),
      maxRequestWork: count.default(RPC_DEFAULTS.maxRequestWork),
      maxInFlight: count.default(RPC_DEFAULTS.maxInFlight),
      wsMaxConnections: count.default(RPC_DEFAULTS.wsMaxConnections),
      wsMaxConnectionsPerIp: count.default(RPC_DEFAULTS.wsMaxConnectionsPerIp),
      wsMaxInFlight: count.default(RPC_DEFAULTS.wsMaxInFlight),
      wsMaxBufferedBytes: count.default(RPC_DEFAULTS.wsMaxBufferedBytes),
      wsMaxSubscriptionsPerConnection: count.default(SUBSCRIPTION_DEFAULTS.maxSubscriptionsPerConnection),
      wsMaxSubscriptionsPerIp: count.default(SUBSCRIPTION_DEFAULTS.maxSubscriptionsPerIp),
      maxFiltersPerIp: count.default(FILTER_DEFAULTS.maxFiltersPerClient),
      maxFilters: count.default(FILTER_DEFAULTS.maxFilters),
      filterTimeoutMs: count.max(3_600_000).default(FILTER_DEFAULTS.filterTimeoutMs),
    })
    .refine((rpc) => rpc.headersTimeoutMs <= rpc.requestTimeoutMs, {
      message: 'headersTimeoutMs must not exceed requestTimeoutMs',
      path: ['headersTimeoutMs'],
    })
    .prefault({}),
  block: z
    .strictObject({
      /** Target interval between block starts: the commit timeout (docs/consensus.md). */
      intervalMs: z.number().int().min(10).max(600_000).default(1000),
      /** When false, no block is proposed while the mempool is empty... */
      createEmptyBlocks: z.boolean().default(true),
      /** ...except one after this long without transactions (0: none; consensus/config.ts). */
      emptyBlocksIntervalMs: z.number().int().min(0).max(3_600_000).default(0),
    })
    .prefault({}),
  /** Tendermint timeouts (docs/consensus.md); the commit timeout is block.intervalMs. */
  consensus: z
    .strictObject({
      timeoutProposeMs: ms.optional(),
      timeoutProposeDeltaMs: ms.optional(),
      timeoutPrevoteMs: ms.optional(),
      timeoutPrevoteDeltaMs: ms.optional(),
      timeoutPrecommitMs: ms.optional(),
      timeoutPrecommitDeltaMs: ms.optional(),
      clockPrecisionMs: ms.optional(),
      messageDelayMs: ms.optional(),
      rebroadcastMs: ms.optional(),
      rebroadcastMaxMs: ms.optional(),
    })
    .prefault({}),
  p2p: p2pConfigSchema.prefault({}),
  mempool: z
    .strictObject({
      maxTxs: z.number().int().positive().default(50_000),
      maxTxsPerSender: z.number().int().positive().default(1_000),
      maxNonceGap: z.number().int().min(0).default(64),
      priceBumpPercent: z.number().int().min(0).default(10),
    })
    .prefault({}),
  /**
   * Sender recovery worker threads; default: one per core beyond the first (at most 4), 0 = none.
   * syncThreads: how many block sync may use in all (spares started when it first needs them);
   * default: one per core (at most 8), never fewer than threads.
   */
  recovery: z
    .strictObject({
      threads: z.number().int().min(0).max(16).optional(),
      syncThreads: z.number().int().min(0).max(16).optional(),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      enabled: z.boolean().default(false),
      host: z.string().default('127.0.0.1'),
      port: port.default(9615),
      /**
       * How often the event-loop delay is sampled for the lag gauges (`*_nodejs_eventloop_lag_*`, which
       * read the sampling interval plus any delay). Every sample wakes the event loop, so the
       * library's 10 ms was most of an idle node's CPU; see docs/performance.md, "The idle baseline".
       */
      eventLoopSampleMs: z.number().int().min(1).max(10_000).default(100),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      format: z.enum(['json', 'pretty']).default('pretty'),
    })
    .prefault({}),
  /** The validator's attestor of attested inference records (node/attestation/config.ts). */
  attestation: attestationConfigSchema.prefault({}),
  /** Fault-test switches (node/testOnly.ts); refused unless OPENCHAIN_TEST_ONLY=1. */
  testOnly: testOnlySchema.optional(),
});

export type NodeConfig = z.output<typeof configSchema>;
export type NodeConfigInput = z.input<typeof configSchema>;

export class ConfigError extends OpenchainError<'INVALID_CONFIG'> {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

export function parseConfig(json: unknown, source = 'config', env = process.env): NodeConfig {
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${['config', ...i.path].join('.')}: ${i.message}`);
    throw new ConfigError(`invalid ${source}:\n  ${problems.join('\n  ')}`);
  }
  const refusal = result.data.testOnly && testOnlyRefusal(env);
  if (refusal) throw new ConfigError(`invalid ${source}:\n  ${refusal}`);
  return result.data;
}

export function loadConfigFile(path: string): NodeConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseConfig(json, path);
}

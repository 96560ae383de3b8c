// Pool limits. chainId comes from the genesis; the rest have defaults. The chain's own limits on a
// transaction (block gas limit, size) are not copied here: governance can change them, so the pool
// asks TxRules.txLimits() on every admission.

export interface MempoolConfig {
  readonly chainId: bigint;
  /** Total transactions held. */
  readonly maxTxs: number;
  /** Total encoded bytes held: maxTxs alone would allow maxTxs * maxTxBytes (gigabytes). */
  readonly maxPoolBytes: number;
  readonly maxTxsPerSender: number;
  /** How far past the sender's next nonce (account nonce + pending count) a queued tx may be. */
  readonly maxNonceGap: number;
  /** A same-nonce replacement must raise both max fee and tip by at least this much (geth: 10). */
  readonly priceBumpPercent: number;
}

export type MempoolOptions = Pick<MempoolConfig, 'chainId'> & Partial<MempoolConfig>;

export const MEMPOOL_DEFAULTS = {
  maxTxs: 50_000,
  maxPoolBytes: 64 * 1024 * 1024,
  maxTxsPerSender: 1_000,
  maxNonceGap: 64,
  priceBumpPercent: 10,
} as const;

export function mempoolConfig(options: MempoolOptions): MempoolConfig {
  const cfg: MempoolConfig = { ...MEMPOOL_DEFAULTS, ...options };
  for (const key of ['maxTxs', 'maxPoolBytes', 'maxTxsPerSender'] as const) {
    if (!Number.isSafeInteger(cfg[key]) || cfg[key] < 1) {
      throw new RangeError(`mempool ${key} must be a positive integer, got ${cfg[key]}`);
    }
  }
  for (const key of ['maxNonceGap', 'priceBumpPercent'] as const) {
    if (!Number.isSafeInteger(cfg[key]) || cfg[key] < 0) {
      throw new RangeError(`mempool ${key} must be a non-negative integer, got ${cfg[key]}`);
    }
  }
  return cfg;
}

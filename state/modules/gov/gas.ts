// The governance module's gas schedule, charged on top of the intrinsic gas every transaction pays
// (state/execution/gas.ts): per record read or written and per log, as the staking module's.
// A proposal's parameter changes are checked at submission; that check reads the parameter sets.
export const GAS = {
  /** Every call: selector dispatch and decoding. */
  call: 2_000n,
  /** Each state record read. */
  read: 500n,
  /** Each state record written. */
  write: 5_000n,
  /** Each log emitted. */
  log: 1_000n,
} as const;

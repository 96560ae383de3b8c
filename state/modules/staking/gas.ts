// The staking module's gas schedule, charged on top of the intrinsic gas every transaction pays
// (state/execution/gas.ts). Fixed per unit of work, as in the Cosmos SDK: every record read or
// written, every log, and the ed25519 check of createValidator's key binding. docs/staking.md has
// the table.
export const GAS = {
  /** Every call: selector dispatch and decoding. */
  call: 2_000n,
  /** Each state record read (module records, parameters, accounts). */
  read: 500n,
  /** Each state record written (module records and account balances). */
  write: 5_000n,
  /** The ed25519 verification of the consensus key's binding signature. */
  keySignature: 20_000n,
  /** Each log emitted. */
  log: 1_000n,
} as const;

// The attribution module's gas schedule, charged on top of the intrinsic gas every transaction pays
// (21,000 plus 16 per non-zero and 4 per zero calldata byte, state/execution/gas.ts). Costs are
// fixed per operation, as in the Cosmos SDK, and proportional to the work a validator does to
// check the call: an inference record pays per span, per byte of proof it makes every validator
// hash, and per record it writes. docs/attribution.md has the table.
export const GAS = {
  /** Every call: selector dispatch and decoding. */
  call: 2_000n,
  /** Each state record read (module records, parameters, accounts, the validator set). */
  read: 500n,
  /** Each state record written (module records and account balances). */
  write: 5_000n,
  /** Each span of an inference record: lookups, range and order checks. */
  span: 2_000n,
  /** Each byte of chunk data and Merkle path in an inference record (all of it is hashed). */
  proofByte: 6n,
  /** Each output byte of an inference record (hashed once, compared once). */
  outputByte: 2n,
  /** Each candidate of an attested record: its contribution's lookup and checks. */
  candidate: 1_000n,
  /** Each validator of an attested record's snapshot, per call that reads or writes the record (copied, decoded, scanned). */
  snapshotValidator: 100n,
  /** Each score a reveal checks and hashes, or a settlement takes into the median, clipping and agreement. */
  score: 20n,
  /** Each log emitted. */
  log: 1_000n,
} as const;

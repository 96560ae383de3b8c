// The attribution module's parameters, declared once with their bounds: the record codec, the
// module's reads and the genesis validation (genesis/schema.ts derives it from attributionParams)
// all come from this declaration. Like the chain parameters they live in the state (so the state
// root commits to them and governance can change them later) and the genesis file sets them.
import { BLOCK_HASH_RING } from '../../blockHashes.ts';
import { bool, param, paramSet, uint8, uint16, uint32, uint64, uint256 } from '../../codec/schema.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { stateKeys } from '../../stateKeys.ts';
import { memoized } from './store.ts';

const BPS = 10_000;
/** Fees at most 2^200: a per-kilobyte fee times any uint32 output size stays far below 2^256. */
export const FEE_CEILING = 2n ** 200n;

export const attributionParams = paramSet('attribution params', {
  /** Bytes per chunk of newly registered contributions (each contribution keeps the size it was registered with). */
  chunkSize: param(uint32, { min: 16, max: 65_536 }),
  /** Shortest span, in bytes, that an inference record may attribute. */
  minSpanLength: param(uint32, { min: 1, max: 65_536 }),
  /** Largest inference output, in bytes. */
  maxOutputBytes: param(uint32, { min: 1, max: 16 * 1024 * 1024 }),
  maxSpansPerRecord: param(uint32, { min: 1, max: 4_096 }),
  /** Longest chain of LoRA adapters above a base model (0: no adapters). */
  maxLoraDepth: param(uint32, { min: 0, max: 32 }),
  /** Protocol minimum of the share of the whole fee an adapter passes to its base model, in basis points. */
  loraBaseShareBps: param(uint16, { min: 0, max: BPS }),
  /** How long after acceptance a curated Datanet's owner may flag a contribution (and its bond stays locked). */
  challengeWindowSeconds: param(uint64, { min: 0, max: 10 * 365 * 86_400 }),
  // Registration (docs/attribution.md, "Registration"): a reveal comes at least 3 blocks after its
  // commit (block commit+1's hash, the sampling seed, enters the state at the end of commit+2) and
  // at most this many; the block-hash ring must still hold the seed then.
  revealWindowBlocks: param(uint32, { min: 3, max: BLOCK_HASH_RING }),
  /** Chunks a reveal proves possession of. */
  possessionSamples: param(uint8, { min: 1, max: 16 }),
  /** Blocks after which a contribution still pending review may be withdrawn with its full bond. */
  reviewWindowBlocks: param(uint64, { min: 1, max: 100_000_000 }),
  // Floors of every model's fee split and fee (each at most half, so both floors can hold at once).
  minContributorsBps: param(uint16, { min: 0, max: BPS / 2 }),
  minValidatorsBps: param(uint16, { min: 0, max: BPS / 2 }),
  minFeePerInference: param(uint256, { min: 0n, max: FEE_CEILING }),
  /** Largest fee a model may charge for an output of maxOutputBytes. */
  maxModelFee: param(uint256, { min: 1n, max: FEE_CEILING }),
  /** Blocks an inference's contributors' pool stays in escrow, open to challenges (0: settled at once). */
  challengeWindowBlocks: param(uint64, { min: 0, max: 100_000_000 }),
  /** Least attribution bond a recorder must hold for a model to record its inferences. */
  minAttributionBond: param(uint256, { min: 0n, max: FEE_CEILING }),
  /** What a successful challenger is paid per output byte moved, from the recorder's bond (capped by it). */
  challengeRewardPerByte: param(uint256, { min: 0n, max: FEE_CEILING }),
  /** The uncovered part of a contributors' pool goes to the lineage's Datanets' owners instead of the treasury. */
  uncoveredToDatanets: param(bool),
  // Attested scores (docs/attribution.md, "Attested scores").
  /** Blocks after an attested record: validators commit in the first half (rounded down), reveal in the rest. */
  attestationWindowBlocks: param(uint32, { min: 2, max: 100_000 }),
  /** Least share of the snapshot's power that must reveal for a record to settle; below it the fee's escrow is refunded. */
  attestationQuorumBps: param(uint16, { min: 1, max: BPS }),
  /** Most candidate contributions in one attested record. */
  maxCandidates: param(uint32, { min: 1, max: 256 }),
  /** Attested records a validator may miss in a row before it is punished as for downtime (0: never). */
  maxMissedAttestations: param(uint32, { min: 0, max: 1_000_000 }),
});

export type AttributionParams = ReturnType<typeof attributionParams.decode>;

const KEY = stateKeys.params('attribution');

const decodeStored = memoized(attributionParams.decode);

export function readAttributionParams(state: StateReader): AttributionParams {
  const bytes = state.get(KEY);
  if (!bytes) throw new Error('attribution parameters missing from state');
  return decodeStored(bytes);
}

/** Throws ParamError (naming the parameter) for a value outside its bounds, writing nothing. */
export function writeAttributionParams(state: StateOverlay, params: AttributionParams): void {
  state.set(KEY, attributionParams.encode(params));
}

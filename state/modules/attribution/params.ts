// The attribution module's parameters. Like the chain parameters they live in the state (so the
// state root commits to them and governance can change them later) and the genesis file sets them.
import { DecodeError } from '../../../core/errors.ts';
import { asBigint, asList, asSafeInt, type RlpItem, rlpDecode, rlpEncode } from '../../../core/rlp.ts';
import type { StateOverlay, StateReader } from '../../stateDb.ts';
import { stateKeys } from '../../stateKeys.ts';
import { memoized } from './store.ts';

export interface AttributionParams {
  /** Bytes per chunk of newly registered contributions (each contribution keeps the size it was registered with). */
  readonly chunkSize: number;
  /** Shortest span, in bytes, that an inference record may attribute. */
  readonly minSpanLength: number;
  /** Largest inference output, in bytes. */
  readonly maxOutputBytes: number;
  readonly maxSpansPerRecord: number;
  /** Longest chain of LoRA adapters above a base model (0: no adapters). */
  readonly maxLoraDepth: number;
  /** Share of a model owner's fee share passed on to its base model, in basis points. */
  readonly loraBaseShareBps: number;
  /** How long after acceptance a curated Datanet's owner may flag a contribution (and its bond stays locked). */
  readonly challengeWindowSeconds: number;
  /** Blocks an inference's contributors' pool stays in escrow, open to challenges (0: settled at once). */
  readonly challengeWindowBlocks: number;
  /** Least attribution bond a recorder must hold for a model to record its inferences. */
  readonly minAttributionBond: bigint;
  /** What a successful challenger is paid per output byte moved, from the recorder's bond (capped by it). */
  readonly challengeRewardPerByte: bigint;
  /** The uncovered part of a contributors' pool goes to the lineage's Datanets' owners instead of the treasury. */
  readonly uncoveredToDatanets: boolean;
}

const KEY = stateKeys.params('attribution');

export function encodeAttributionParams(p: AttributionParams): Uint8Array {
  return rlpEncode([
    p.chunkSize,
    p.minSpanLength,
    p.maxOutputBytes,
    p.maxSpansPerRecord,
    p.maxLoraDepth,
    p.loraBaseShareBps,
    p.challengeWindowSeconds,
    p.challengeWindowBlocks,
    p.minAttributionBond,
    p.challengeRewardPerByte,
    p.uncoveredToDatanets ? 1 : 0,
  ]);
}

export function decodeAttributionParams(bytes: Uint8Array): AttributionParams {
  const f = asList(rlpDecode(bytes, 'attribution params'), 'attribution params', 11);
  return {
    chunkSize: asSafeInt(f[0], 'chunkSize'),
    minSpanLength: asSafeInt(f[1], 'minSpanLength'),
    maxOutputBytes: asSafeInt(f[2], 'maxOutputBytes'),
    maxSpansPerRecord: asSafeInt(f[3], 'maxSpansPerRecord'),
    maxLoraDepth: asSafeInt(f[4], 'maxLoraDepth'),
    loraBaseShareBps: asSafeInt(f[5], 'loraBaseShareBps'),
    challengeWindowSeconds: asSafeInt(f[6], 'challengeWindowSeconds'),
    challengeWindowBlocks: asSafeInt(f[7], 'challengeWindowBlocks'),
    minAttributionBond: asBigint(f[8], 'minAttributionBond'),
    challengeRewardPerByte: asBigint(f[9], 'challengeRewardPerByte'),
    uncoveredToDatanets: asFlag(f[10], 'uncoveredToDatanets'),
  };
}

function asFlag(item: RlpItem | undefined, field: string): boolean {
  const value = asSafeInt(item, field);
  if (value > 1) throw new DecodeError(`${field}: ${value} is not a bool (0 or 1)`);
  return value === 1;
}

const decodeStored = memoized(decodeAttributionParams);

export function readAttributionParams(state: StateReader): AttributionParams {
  const bytes = state.get(KEY);
  if (!bytes) throw new Error('attribution parameters missing from state');
  return decodeStored(bytes);
}

export function writeAttributionParams(state: StateOverlay, params: AttributionParams): void {
  state.set(KEY, encodeAttributionParams(params));
}

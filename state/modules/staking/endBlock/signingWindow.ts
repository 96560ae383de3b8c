// Downtime tracking (docs/staking.md "Downtime"): each validator of a block's signing set has a
// window of the last signedBlocksWindow heights, one bit per height (slot = height mod window), and
// the count of set bits in its validator record (missedBlocks). A block's lastCommit updates one
// slot per validator, and records are written only when that slot changes, so a validator that
// keeps signing costs reads only.
import type { Address } from '../../../../core/address.ts';
import { record, uint64 } from '../../../codec/schema.ts';
import type { StateOverlay, StateReader } from '../../../stateDb.ts';
import type { ValidatorRecord } from '../records.ts';
import { requireValidator, writeValidator } from '../store.ts';
import { endBlockKeys } from './keys.ts';

/** First height a validator was tracked at: a full window must pass before it can be jailed. */
const signingInfo = record('signing info', { startHeight: uint64 });

const SLOTS_PER_CHUNK = 256;
const CHUNK_BYTES = SLOTS_PER_CHUNK / 8;

export function signingStart(state: StateReader, operator: Address): number | undefined {
  const bytes = state.get(endBlockKeys.signingInfo(operator));
  return bytes ? signingInfo.decode(bytes).startHeight : undefined;
}

/**
 * Records whether validator `v` signed the block at `height`; returns the validator record as it is
 * afterwards (missedBlocks updated) and the height its window started (`height` for a validator
 * seen for the first time).
 */
export function recordSignature(
  state: StateOverlay,
  v: ValidatorRecord,
  height: number,
  signed: boolean,
  window: number,
): { validator: ValidatorRecord; startHeight: number } {
  let startHeight = signingStart(state, v.operator);
  if (startHeight === undefined) {
    startHeight = height;
    state.set(endBlockKeys.signingInfo(v.operator), signingInfo.encode({ startHeight }));
  }
  const slot = height % window;
  const chunkKey = endBlockKeys.missedChunk(v.operator, Math.floor(slot / SLOTS_PER_CHUNK));
  const bit = slot % SLOTS_PER_CHUNK;
  const stored = state.get(chunkKey);
  const wasMissed = stored !== undefined && (stored[bit >> 3]! & (1 << (bit & 7))) !== 0;
  if (wasMissed === !signed) return { validator: v, startHeight };
  const chunk = stored ? Uint8Array.from(stored) : new Uint8Array(CHUNK_BYTES);
  chunk[bit >> 3]! ^= 1 << (bit & 7);
  state.set(chunkKey, chunk.some((b) => b !== 0) ? chunk : null);
  const validator = { ...v, missedBlocks: v.missedBlocks + (signed ? -1 : 1) };
  writeValidator(state, validator);
  return { validator, startHeight };
}

/**
 * Whether a validator whose window started at `startHeight` and that missed `missed` blocks of it has
 * missed too many at `height`: only once a full window has passed, and only when it signed fewer
 * than floor(window * minSignedPerWindowBps / 10^4) blocks of it.
 */
export function isDowntime(
  startHeight: number,
  missed: number,
  height: number,
  window: number,
  minSignedPerWindowBps: number,
): boolean {
  if (height - startHeight + 1 < window) return false;
  return window - missed < Math.floor((window * minSignedPerWindowBps) / 10_000);
}

/** Forgets a validator's window (after it is jailed): it starts afresh when it is tracked again. */
export function resetSigningWindow(state: StateOverlay, operator: Address, window: number): void {
  if (signingStart(state, operator) === undefined) return;
  state.set(endBlockKeys.signingInfo(operator), null);
  for (let i = 0; i < Math.ceil(window / SLOTS_PER_CHUNK); i++) {
    const key = endBlockKeys.missedChunk(operator, i);
    if (state.get(key)) state.set(key, null);
  }
  const v = requireValidator(state, operator);
  if (v.missedBlocks !== 0) writeValidator(state, { ...v, missedBlocks: 0 });
}

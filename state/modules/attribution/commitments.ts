// Registration commitments (docs/attribution.md, "Registration"): commitContribution stores a
// commitment's height; a reveal (addContribution) finds it by recomputing the hash from its
// arguments, checks the window, and consumes it. Commitments expire revealWindowBlocks after their
// block. They are queued in commit order, and every commit prunes up to PRUNE_PER_COMMIT expired
// entries from the queue's head, so the stored commitments stay bounded by the commits of one
// window plus a backlog that only shrinks, and no block ever loops over all of them.
import { bytesToHex } from '../../../core/bytes.ts';
import { bytes, record, uint64 } from '../../codec/schema.ts';
import type { StateReader } from '../../stateDb.ts';
import type { Call } from './call.ts';
import { requireNoValue } from './checks.ts';
import { AttributionError } from './errors.ts';
import { emit } from './events.ts';
import { Counter, attributionKeys as keys } from './keys.ts';
import type { AttributionParams } from './params.ts';
import { lastId, nextId, type StateWriter, setLastId } from './store.ts';

/** Expired queue entries each commit removes: more than the one it adds, so a backlog drains. */
const PRUNE_PER_COMMIT = 2;
/** The seed (block commit+1's hash) is recorded at the end of block commit+2. */
export const MIN_REVEAL_DELAY = 3;

const commitmentRecord = record('commitment', { height: uint64 });
const queueEntry = record('commitment queue entry', { commitment: bytes(32), height: uint64 });

export function readCommitmentHeight(state: StateReader, commitment: Uint8Array): number | undefined {
  const stored = state.get(keys.commitment(commitment));
  return stored ? commitmentRecord.decode(stored).height : undefined;
}

/** Last height at which a commitment of `height` can be revealed. */
export function revealDeadline(params: AttributionParams, height: number): number {
  return height + params.revealWindowBlocks;
}

export function commitContribution(call: Call, commitment: Uint8Array): void {
  const { ctx, state, params } = call;
  requireNoValue(ctx, 'commitContribution');
  const height = ctx.block.height;
  const existing = readCommitmentHeight(state, commitment);
  if (existing !== undefined && height <= revealDeadline(params, existing)) {
    throw new AttributionError(
      'DUPLICATE_COMMITMENT',
      `commitment ${bytesToHex(commitment)} was already made at height ${existing} and can be revealed until height ${revealDeadline(params, existing)}`,
    );
  }
  state.set(keys.commitment(commitment), commitmentRecord.encode({ height }));
  const index = nextId(state, Counter.commitQueued);
  state.set(keys.commitQueue(index), queueEntry.encode({ commitment, height }));
  pruneExpired(state, params, height);
  emit(ctx, 'ContributionCommitted', {
    commitment: bytesToHex(commitment),
    sender: ctx.from,
    height: BigInt(height),
  });
}

function pruneExpired(state: StateWriter, params: AttributionParams, height: number): void {
  const queued = lastId(state, Counter.commitQueued);
  let pruned = lastId(state, Counter.commitPruned);
  for (let n = 0; n < PRUNE_PER_COMMIT && pruned < queued; n++) {
    const key = keys.commitQueue(pruned + 1n);
    const entry = queueEntry.decode(state.get(key)!);
    if (height <= revealDeadline(params, entry.height)) break;
    state.set(key, null);
    // The same commitment may have been made again since: only this entry's commitment goes.
    if (readCommitmentHeight(state, entry.commitment) === entry.height)
      state.set(keys.commitment(entry.commitment), null);
    pruned++;
  }
  setLastId(state, Counter.commitPruned, pruned);
}

/**
 * The height of a commitment that may be revealed in this block, checked: made (and not yet revealed
 * or pruned), at least MIN_REVEAL_DELAY blocks ago, and at most revealWindowBlocks ago.
 */
export function requireRevealable(call: Call, commitment: Uint8Array): number {
  const height = readCommitmentHeight(call.state, commitment);
  const now = call.ctx.block.height;
  if (height === undefined) {
    throw new AttributionError(
      'NO_COMMITMENT',
      `no commitment ${bytesToHex(commitment)} of (chunkRoot, size, sender, salt) to reveal: commit first (commitContribution), and reveal with the same root, size, sender and salt`,
    );
  }
  if (now < height + MIN_REVEAL_DELAY) {
    throw new AttributionError(
      'REVEAL_TOO_EARLY',
      `commitment made at height ${height} can be revealed from height ${height + MIN_REVEAL_DELAY} (its sampling seed is the hash of block ${height + 1}), not at ${now}`,
    );
  }
  if (now > revealDeadline(call.params, height)) {
    throw new AttributionError(
      'REVEAL_WINDOW_CLOSED',
      `commitment made at height ${height} expired after height ${revealDeadline(call.params, height)}; commit again`,
    );
  }
  return height;
}

export function consumeCommitment(state: StateWriter, commitment: Uint8Array): void {
  state.set(keys.commitment(commitment), null);
}

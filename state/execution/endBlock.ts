// The end of every block, after its transactions: record the parent block's hash and the block's
// evidence, then governance's (proposals whose periods end here), then the staking module's end-block step (fees and rewards, downtime, slashing, unbonding maturity, the next
// validator set). Chain runs it on the proposer's build and on every validator's verify through the
// same path, and before nextValidatorsHash is read, so every node switches sets at the same height.
import type { Log } from '../../core/receipt.ts';
import type { Commit } from '../../core/vote.ts';
import { recordParentHash } from '../blockHashes.ts';
import { type CheckedEvidence, recordEvidence } from '../evidence.ts';
import { govEndBlock } from '../modules/gov/endBlock.ts';
import type { BlockInfo } from '../modules/module.ts';
import { stakingEndBlock } from '../modules/staking/endBlock/index.ts';
import type { StateOverlay } from '../stateDb.ts';

export interface BlockEnd {
  /** The commit certificate of the previous block (null at height 1). */
  readonly lastCommit: Commit | null;
  /** Duplicate-vote evidence carried by the block, checked (state/evidence.ts), with each offender's power then. */
  readonly evidence: readonly CheckedEvidence[];
  /** Fees paid by the block's transactions (executeBlock's totals), not yet credited to anyone. */
  readonly baseFees: bigint;
  readonly tips: bigint;
  /** The hash of the previous block (recorded for modules, state/blockHashes.ts). */
  readonly parentHash: Uint8Array;
}

/**
 * Returns the events the step emitted, in order: logs of a module's address that belong to no
 * transaction, stored with the block (BlockStore.getBlockEvents) and served by open_getBlockEvents
 * and open_subscribe. Every node computes the same ones, as it computes the same state.
 */
export function endBlock(state: StateOverlay, block: BlockInfo, end: BlockEnd): Log[] {
  const events: Log[] = [];
  recordParentHash(state, block.height, end.parentHash);
  recordEvidence(
    state,
    end.evidence.map((c) => c.evidence),
    block.height,
  );
  // Governance first: a passed change of the staking parameters already applies to this block's
  // staking step, and its tally sees the stake as the block's transactions left it.
  govEndBlock(state, block, events);
  stakingEndBlock(state, block, end);
  return events;
}

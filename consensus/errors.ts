// Typed errors of the consensus engine. Peer input problems are not errors (they become verdicts,
// see types.ts); these are failures of our own state or of the application that stop the engine.
import { OpenchainError } from '../core/errors.ts';

export type ConsensusErrorCode =
  /** A validator change set is malformed (duplicates, negative power, unknown removal, empty set). */
  | 'INVALID_VALIDATOR_CHANGES'
  /** Total voting power above CometBFT's MaxTotalVotingPower (int64 max / 8). */
  | 'TOTAL_POWER_OVERFLOW'
  /** Stored proposer-priority state is unreadable. */
  | 'PROPOSER_STATE_CORRUPT'
  /** No proposer-priority state for a height the engine must run or verify. */
  | 'PROPOSER_STATE_MISSING'
  /** The application's validator set differs from the one consensus tracked for that height. */
  | 'VALIDATOR_SET_MISMATCH'
  /** The application is behind the height consensus recorded as committed. */
  | 'APP_BEHIND'
  /** +2/3 of the validators committed a block this node's application rejects. */
  | 'DECIDED_BLOCK_INVALID'
  /** The application failed (locally, not a verdict on the block) to check a synced block. */
  | 'BLOCK_NOT_CHECKED'
  /** A synced block's commit does not prove it (the peer that sent it lied). */
  | 'INVALID_COMMIT'
  /** The write-ahead log cannot be written (or was left damaged): the engine halts. */
  | 'WAL_WRITE_FAILED'
  /**
   * A WAL write failed for a reason that may clear on its own (disk full, descriptors exhausted)
   * and the log was left as it was before: the input is not acted on, and tried again later.
   */
  | 'WAL_WRITE_TRANSIENT'
  /** A WAL record exceeds the size limit. */
  | 'WAL_RECORD_TOO_LARGE'
  /** The engine is in the wrong lifecycle state for the call. */
  | 'ENGINE_STATE';

export class ConsensusError extends OpenchainError<ConsensusErrorCode> {}

// Engine settings. Timeouts grow linearly with the round (base + round * delta) so that, after
// GST, every round eventually lasts long enough for the honest validators to hear each other.
// The defaults are tuned for loopback devnets (sub-millisecond links, blocks about one second apart);
// for WAN deployments multiply the timeouts by 3 to 5 (CometBFT's defaults are 3 s / 1 s / 1 s).
import { ConsensusError } from './errors.ts';

export interface ConsensusConfig {
  /** How long a validator waits for the round's proposal before prevoting nil. */
  readonly timeoutProposeMs: number;
  readonly timeoutProposeDeltaMs: number;
  /** How long a validator waits after seeing +2/3 prevotes for anything before precommitting nil. */
  readonly timeoutPrevoteMs: number;
  readonly timeoutPrevoteDeltaMs: number;
  /** How long a validator waits after seeing +2/3 precommits for anything before the next round. */
  readonly timeoutPrecommitMs: number;
  readonly timeoutPrecommitDeltaMs: number;
  /** Pause after a commit before round 0 of the next height: the block interval knob. */
  readonly timeoutCommitMs: number;
  /** When false, round 0 of a height waits until the mempool has transactions. */
  readonly createEmptyBlocks: boolean;
  /**
   * With createEmptyBlocks off, round 0 stops waiting after this long and the block is made even if
   * empty (CometBFT's create_empty_blocks_interval), so an idle chain still advances its height and
   * block time, which windows counted in blocks and proofs drawn from a later block's hash wait for.
   * 0: wait for transactions however long it takes.
   */
  readonly emptyBlocksIntervalMs: number;
  /**
   * Proposer-based timestamps (CometBFT PBTS): a fresh proposal is timely if its block time is within
   * [received - clockPrecision - messageDelay, received + clockPrecision] of when this node first
   * received the block; otherwise it is prevoted nil. clockPrecisionMs bounds the clock difference
   * between correct validators; messageDelayMs bounds how long a proposal takes from its build to a
   * validator (the build ahead of round 0 included).
   */
  readonly clockPrecisionMs: number;
  readonly messageDelayMs: number;
  /** If the round state has not changed for this long, our own messages of the round are re-sent. */
  readonly rebroadcastMs: number;
  /** While it stays unchanged the wait doubles up to this (an idle chain, a partition). */
  readonly rebroadcastMaxMs: number;
  /** Delay between seeing a message from a higher height and asking the network to catch up. */
  readonly catchUpDelayMs: number;
  /** Rounds beyond current+1 that one validator's votes may open (CometBFT allows 2 per peer). */
  readonly futureRoundsPerValidator: number;
  /** Synced blocks further ahead than this are refused; consensus messages that far ahead are not kept. */
  readonly futureHeightWindow: number;
  /** Messages for the next height kept until this node gets there. */
  readonly nextHeightBufferSize: number;
  /** Bytes of next-height messages kept, in total and relayed by one peer. */
  readonly nextHeightBufferBytes: number;
  readonly nextHeightBufferBytesPerPeer: number;
  /** Peer proposals and votes waiting for the event loop; more are ignored until it catches up. */
  readonly maxQueuedPeerInputs: number;
  /** Duplicate-vote evidence older than this many blocks is dropped (keep <= the chain's limit). */
  readonly evidenceMaxAgeBlocks: number;
  readonly evidenceMaxPending: number;
  /** Pending evidence one validator may have: one offender cannot fill the pool. */
  readonly evidenceMaxPerValidator: number;
  readonly evidenceMaxPerBlock: number;
}

export const defaultConsensusConfig: ConsensusConfig = {
  timeoutProposeMs: 1000,
  timeoutProposeDeltaMs: 500,
  timeoutPrevoteMs: 500,
  timeoutPrevoteDeltaMs: 250,
  timeoutPrecommitMs: 500,
  timeoutPrecommitDeltaMs: 250,
  timeoutCommitMs: 1000,
  createEmptyBlocks: true,
  emptyBlocksIntervalMs: 0,
  clockPrecisionMs: 500,
  messageDelayMs: 5_000,
  rebroadcastMs: 2000,
  rebroadcastMaxMs: 16_000,
  catchUpDelayMs: 1000,
  futureRoundsPerValidator: 2,
  futureHeightWindow: 100,
  nextHeightBufferSize: 512,
  nextHeightBufferBytes: 64 * 1024 * 1024,
  nextHeightBufferBytesPerPeer: 32 * 1024 * 1024,
  maxQueuedPeerInputs: 10_000,
  evidenceMaxAgeBlocks: 1000,
  evidenceMaxPending: 1000,
  evidenceMaxPerValidator: 4,
  evidenceMaxPerBlock: 32,
};

export function resolveConsensusConfig(overrides: Partial<ConsensusConfig> = {}): ConsensusConfig {
  const config = { ...defaultConsensusConfig, ...overrides };
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new ConsensusError(
        'ENGINE_STATE',
        `consensus config ${key} must be a non-negative integer, got ${value}`,
      );
    }
  }
  if (config.futureHeightWindow < 1) {
    throw new ConsensusError('ENGINE_STATE', 'consensus config futureHeightWindow must be at least 1');
  }
  return config;
}

export type TimeoutStep = 'propose' | 'prevote' | 'precommit' | 'commit';

export function timeoutDuration(config: ConsensusConfig, step: TimeoutStep, round: number): number {
  switch (step) {
    case 'propose':
      return config.timeoutProposeMs + round * config.timeoutProposeDeltaMs;
    case 'prevote':
      return config.timeoutPrevoteMs + round * config.timeoutPrevoteDeltaMs;
    case 'precommit':
      return config.timeoutPrecommitMs + round * config.timeoutPrecommitDeltaMs;
    case 'commit':
      return config.timeoutCommitMs;
  }
}

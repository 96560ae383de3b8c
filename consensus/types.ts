// The engine's boundaries. The node wires real implementations: the Chain (state/chain.ts) is a
// ConsensusApp as is, the p2p layer implements ConsensusNetwork and turns Verdicts into gossipsub
// ACCEPT / IGNORE / REJECT, and a LevelDB prefix backs ConsensusStore.
import type { Address } from '../core/address.ts';
import type { Block, Header, ProposalInput } from '../core/block.ts';
import type { Hex } from '../core/bytes.ts';
import type { Evidence } from '../core/evidence.ts';
import type { Validator } from '../core/validator.ts';
import type { Commit, Vote } from '../core/vote.ts';
import type { SignStep } from './privval.ts';
import type { Proposal } from './proposal.ts';

/** The part of the application (ABCI++-shaped) consensus drives. Structural: Chain satisfies it. */
export interface ConsensusApp {
  readonly chainId: bigint;
  /** The last committed block. */
  readonly head: { readonly header: Header; readonly hash: Hex };
  /** The validator set of the next height (after the head). */
  validators(): readonly Validator[];
  readonly blocks: { getCommit(height: number): Commit | undefined };
  readonly mempool: {
    stats(): { readonly pending: number };
    /** Called whenever the pool may have gained executable transactions (see Mempool.onTxsAvailable). */
    onTxsAvailable(listener: () => void): void;
  };
  /** Builds the next block (the proposer's side). */
  prepareProposal(input: ProposalInput): Promise<Block>;
  /** Executes a proposed block and checks it; throws (InvalidProposalError) if it is invalid. */
  processProposal(block: Block): Promise<Hex>;
  /** Commits a decided block with its commit certificate, durably, before resolving. */
  finalizeBlock(block: Block, commit: Commit): Promise<unknown>;
}

export interface ConsensusNetwork {
  broadcastProposal(proposal: Proposal): void;
  broadcastVote(vote: Vote): void;
  broadcastEvidence(evidence: Evidence): void;
  /**
   * This node is stuck at `height` while peers are past it (or +2/3 precommitted a block it does not
   * have): fetch the block at `height` with its commit, and later ones, and deliver them in order
   * through ConsensusEngine.onCommittedBlock.
   */
  requestCatchUp(height: number): void;
}

/** Where the engine persists its per-height proposer state. The node backs it with LevelDB. */
export interface ConsensusStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  del(key: string): Promise<void>;
}

/** The double-sign guarded signer. PrivValidator satisfies it. */
export interface ConsensusSigner {
  readonly address: Address;
  /** Resolves once the signature may leave the process (its guard state is durable). */
  sign(height: number, round: number, step: SignStep, signBytes: Uint8Array): Promise<Uint8Array>;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Identifies the peer a message came from, for logs. */
export type PeerId = string;

export type VerdictCode =
  | 'NOT_RUNNING'
  /** Our WAL cannot take it for now (disk full?): not acted on; re-send it later. */
  | 'WAL_UNAVAILABLE'
  | 'DUPLICATE'
  | 'OLD_HEIGHT'
  | 'FUTURE_HEIGHT'
  | 'FAR_FUTURE_HEIGHT'
  | 'ROUND_OUT_OF_WINDOW'
  | 'LATE_VOTE'
  | 'TOO_MANY_PROPOSALS'
  | 'MALFORMED'
  | 'INVALID_POL_ROUND'
  | 'UNKNOWN_VALIDATOR'
  | 'BAD_SIGNATURE'
  | 'INVALID_COMMIT'
  | 'INVALID_EVIDENCE'
  | 'EXPIRED_EVIDENCE'
  | 'UNKNOWN_HEIGHT'
  | 'EVIDENCE_POOL_FULL'
  | 'KNOWN_EQUIVOCATION'
  | 'UNKNOWN_VALIDATORS'
  | 'BUSY'
  | 'EVIDENCE_LIMIT'
  | 'INVALID_BLOCK'
  | 'UNCHECKED_BLOCK';

/**
 * What the engine made of a network input. `accept`: valid and new, relay it. `ignore`: harmless but
 * not useful now (duplicate, stale, outside the window), do not relay, do not penalise. `reject`:
 * provably bad (bad signature, non-validator, impossible height), penalise the sender. Shaped like
 * p2p's gossip verdict ({ result, reason }), plus a machine-readable code.
 */
export type Verdict =
  | { readonly result: 'accept' }
  | { readonly result: 'ignore' | 'reject'; readonly code: VerdictCode; readonly reason: string };

export const ACCEPT: Verdict = { result: 'accept' };

export function ignore(code: VerdictCode, reason: string): Verdict {
  return { result: 'ignore', code, reason };
}

export function reject(code: VerdictCode, reason: string): Verdict {
  return { result: 'reject', code, reason };
}

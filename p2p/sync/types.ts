// What block sync needs from the node, on both sides: a source of committed blocks to serve, and
// a sink that verifies and commits downloaded ones.
import type { Block } from '../../core/block.ts';
import type { Hex } from '../../core/bytes.ts';
import type { Commit } from '../../core/vote.ts';
import type { EncodedBlock } from '../wire.ts';

export interface SourceStatus {
  /** Last committed height. */
  readonly height: number;
  readonly headHash: Hex;
  /** Lowest height this node can serve (1 unless it pruned). */
  readonly baseHeight: number;
  /** Encoded commit certificate of the head block (empty at height 0): peers believe no less. */
  readonly headCommit: Uint8Array;
}

export interface BlockSource {
  status(): SourceStatus | Promise<SourceStatus>;
  /**
   * Consecutive committed blocks with their commits from `from`, at most `count`, ending early
   * where the store ends. Pulled lazily: the server stops iterating at its byte limit.
   */
  blocks(from: number, count: number): Iterable<EncodedBlock> | AsyncIterable<EncodedBlock>;
}

export interface BlockSink {
  /** Height of the last committed block. */
  height(): number;
  /**
   * Verifies `commit` against the validator set of the block's height (core/vote.ts verifyCommit)
   * and commits the block. Throws if either is invalid: the peer that sent it lied. Throws an error
   * with code `BLOCK_NOT_CHECKED` when the block could not be checked on our side (isLocalFailure):
   * nobody lied, and the block is fetched again later.
   */
  applyBlock(block: Block, commit: Commit): Promise<void>;
  /**
   * A downloaded block, before its turn: the sink may start the work that does not depend on the
   * blocks before it (decoding, sender recovery), so that it overlaps applying them. Must not fail
   * or trust anything; applyBlock still checks the block in full (a liar's block costs that work).
   */
  prefetch(block: Block): void;
  /**
   * Whether a peer's head commit proves its claimed height against what we know (core/vote.ts
   * verifyCommitTrusting): 'proven', or 'unproven' when we cannot tell (signers we do not know).
   * Throws when the commit is forged: the peer lied.
   */
  verifyHead(commit: Commit): HeadProof;
}

export type HeadProof = 'proven' | 'unproven';

export type { EncodedBlock };

/** A sink's refusal that is our own failure (an application error), not the sending peer's. */
export function isLocalFailure(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'BLOCK_NOT_CHECKED';
}

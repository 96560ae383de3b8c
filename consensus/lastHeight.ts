// The committed height before the current one, and the engine's part of valid(v): a proposed block
// must extend our head, come after its parent in time, and carry a commit certificate for the parent
// that verifies against the parent's validator set (the application cannot check signatures; it
// checks everything else in processProposal).
import type { Block, Header } from '../core/block.ts';
import { equalBytes, type Hex } from '../core/bytes.ts';
import { type Commit, type CommitSig, PRECOMMIT, type Vote, verifyCommit } from '../core/vote.ts';
import type { ValidatorSet } from './validatorSet.ts';
import { VoteSet } from './voteSet.ts';

export interface LastHeight {
  readonly height: number;
  readonly blockHash: Hex;
  readonly validators: ValidatorSet;
  /** Precommits of the commit round; late ones keep arriving and go into the next lastCommit. */
  readonly precommits: VoteSet;
}

/** A last height rebuilt from a stored or synced commit (whose signatures were verified before). */
export function lastHeightFromCommit(chainId: bigint, commit: Commit, validators: ValidatorSet): LastHeight {
  const precommits = new VoteSet(chainId, commit.height, commit.round, PRECOMMIT, validators);
  for (const sig of commit.signatures) {
    const vote: Vote = {
      type: PRECOMMIT,
      height: commit.height,
      round: commit.round,
      blockHash: commit.blockHash,
      ...sig,
    };
    precommits.add(vote, true);
  }
  return { height: commit.height, blockHash: commit.blockHash, validators, precommits };
}

/** Why `block` cannot be the block of `height` on top of `head`, or undefined if it can. */
export function blockProblem(
  chainId: bigint,
  height: number,
  head: { readonly header: Header; readonly hash: Hex },
  last: LastHeight | null,
  block: Block,
): string | undefined {
  const h = block.header;
  if (h.height !== height) return `height ${h.height}, expected ${height}`;
  if (h.parentHash.toLowerCase() !== head.hash.toLowerCase()) return `parent ${h.parentHash} is not our head`;
  if (h.time <= head.header.time) return `time ${h.time} not after the parent's ${head.header.time}`;
  if (!last) return block.lastCommit === null ? undefined : 'the first block has no last commit';
  const lc = block.lastCommit;
  if (!lc) return 'missing last commit';
  if (lc.height !== last.height || lc.blockHash.toLowerCase() !== last.blockHash.toLowerCase()) {
    return 'last commit is not for the parent block';
  }
  try {
    verifyCommit(chainId, lc, last.validators.validators, (sig) => heldPrecommit(last, lc, sig));
  } catch (err) {
    return `last commit: ${(err as Error).message}`;
  }
  return undefined;
}

/**
 * Whether `sig` is a precommit we hold already (same validator, round, block and signature bytes).
 * Those were verified when they arrived (or with the stored commit they came from): a proposal's last
 * commit is usually made of exactly the precommits every validator just received, and verifying
 * them again cost each validator several ed25519 verifications per block.
 */
function heldPrecommit(last: LastHeight, lc: Commit, sig: CommitSig): boolean {
  const held = last.precommits.voteOf(sig.validator);
  return (
    lc.round === last.precommits.round &&
    held !== undefined &&
    held.blockHash?.toLowerCase() === lc.blockHash.toLowerCase() &&
    equalBytes(held.signature, sig.signature)
  );
}

// Size limits derived from the chain's parameters. A message over its topic's limit is rejected
// before it is decoded, and the transport limits (gossipsub RPC frame, sync and proposal-block
// response frames) are set just above the largest legitimate message, so no peer can make us
// buffer more than that.
import type { GossipKind } from './topics.ts';

export interface ChainLimits {
  /** Largest transaction (genesis param maxTxBytes). */
  readonly maxTxBytes: number;
  /** Budget for the sum of a block's transaction sizes (genesis param maxBlockTxBytes). */
  readonly maxBlockTxBytes: number;
}

/** Protobuf framing plus the proposal's height, round, polRound and 64-byte signature. */
const ENVELOPE_BYTES = 256;
/** An RLP vote is about 140 bytes; duplicate-vote evidence holds two of them. */
const MAX_VOTE_MESSAGE_BYTES = 512;
const MAX_EVIDENCE_MESSAGE_BYTES = 1024;
/** Header, last commit (about 90 bytes per signer) and evidence of one block. */
const BLOCK_OVERHEAD_BYTES = 1024 * 1024;

/**
 * Upper bound of an encoded block: the transaction budget, plus RLP length prefixes (at most 4
 * bytes per transaction, and a signed transaction is longer than 64 bytes, so under 1/16), plus
 * header, commit and evidence.
 */
export function maxBlockBytes(l: ChainLimits): number {
  return l.maxBlockTxBytes + Math.ceil(l.maxBlockTxBytes / 16) + BLOCK_OVERHEAD_BYTES;
}

/** Largest commit certificate we accept alongside a block in sync responses. */
export const MAX_COMMIT_BYTES = BLOCK_OVERHEAD_BYTES;

/**
 * Largest proposal gossiped with its block inline. @libp2p/gossipsub 17 frames every outbound RPC
 * with it-length-prefixed's fixed 4 MiB limit and has no option to raise it (libp2p/js-libp2p
 * issue 3427, PR 3486), so a larger proposal is announced by block hash and receivers pull the
 * block (gossip/proposalBlocks.ts). 3 MiB leaves room for other messages in the same RPC.
 */
export const MAX_INLINE_PROPOSAL_BYTES = 3 * 1024 * 1024;

export function gossipLimits(l: ChainLimits): Readonly<Record<GossipKind, number>> {
  return {
    tx: l.maxTxBytes + ENVELOPE_BYTES,
    proposal: Math.min(maxBlockBytes(l) + ENVELOPE_BYTES, MAX_INLINE_PROPOSAL_BYTES),
    vote: MAX_VOTE_MESSAGE_BYTES,
    evidence: MAX_EVIDENCE_MESSAGE_BYTES,
  };
}

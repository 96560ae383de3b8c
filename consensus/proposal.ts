// Block proposals: the proposer of (height, round) signs the block hash with its proof-of-lock
// round. The block itself travels with the proposal; only its hash is signed.
import { type Block, blockHash } from '../core/block.ts';
import { type Hex, hexToBytes, utf8ToBytes } from '../core/bytes.ts';
import { ed25519Verify } from '../core/ed25519.ts';
import { rlpEncode } from '../core/rlp.ts';

/** The signed fields of a proposal, without its block (only the block's hash is signed). */
export interface ProposalHeader {
  readonly height: number;
  readonly round: number;
  /** The round of the proof-of-lock this proposal re-proposes under, or -1. */
  readonly polRound: number;
  readonly signature: Uint8Array;
}

export interface Proposal extends ProposalHeader {
  readonly block: Block;
}

const PROPOSAL_TAG = utf8ToBytes('openchain/proposal/v1');

/** RLP integers are unsigned, so polRound is shifted by one: 0 encodes "no proof-of-lock". */
export function proposalSignBytes(
  chainId: bigint,
  height: number,
  round: number,
  polRound: number,
  hash: Hex,
): Uint8Array {
  return rlpEncode([PROPOSAL_TAG, chainId, height, round, polRound + 1, hexToBytes(hash)]);
}

export function verifyProposalSignature(chainId: bigint, p: Proposal, proposerPubKey: Uint8Array): boolean {
  const bytes = proposalSignBytes(chainId, p.height, p.round, p.polRound, blockHash(p.block.header));
  return ed25519Verify(p.signature, bytes, proposerPubKey);
}

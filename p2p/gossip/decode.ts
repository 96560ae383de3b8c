// Decoding gossip payloads into core types, with the structural checks that need no chain state.
// Anything thrown here is the sender's fault (REJECT); signature and state checks are the handler's.

import type { Proposal } from '../../consensus/proposal.ts';
import { type Block, blockHash, decodeBlock, evidenceListHash, txRoot } from '../../core/block.ts';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { decodeEvidenceItem, type Evidence } from '../../core/evidence.ts';
import { rlpDecode } from '../../core/rlp.ts';
import { commitHash, decodeVote, type Vote } from '../../core/vote.ts';
import { P2pError } from '../errors.ts';
import {
  decodeEvidenceMessage,
  decodeProposalMessage,
  decodeTxsMessage,
  decodeVoteMessage,
} from '../wire.ts';

/** A proposal whose block is too large to gossip: the block is fetched by hash. */
export interface ProposalAnnouncement {
  readonly height: number;
  readonly round: number;
  readonly polRound: number;
  readonly blockHash: Hex;
  readonly signature: Uint8Array;
}

export type ProposalGossip =
  | { readonly proposal: Proposal }
  | { readonly announcement: ProposalAnnouncement };

/** The transactions of a tx message (one or a batch); none, or an empty one, is malformed. */
export function decodeTxGossip(data: Uint8Array): Uint8Array[] {
  const raws = decodeTxsMessage(data);
  if (raws.length === 0) throw new P2pError('MALFORMED', 'no transaction');
  if (raws.some((raw) => raw.length === 0)) throw new P2pError('MALFORMED', 'empty transaction');
  return raws;
}

export function decodeProposalGossip(data: Uint8Array, chainId: bigint): ProposalGossip {
  const w = decodeProposalMessage(data);
  if (w.signature.length !== 64) throw new P2pError('MALFORMED', `signature of ${w.signature.length} bytes`);
  // Tendermint: a proof-of-lock round is -1 or an earlier round of the same height.
  if (w.polRound < -1 || w.polRound >= w.round) {
    throw new P2pError('INCONSISTENT', `polRound ${w.polRound} with round ${w.round}`);
  }
  if ((w.block.length === 0) === (w.blockHash.length === 0)) {
    throw new P2pError('MALFORMED', 'a proposal carries exactly one of block and block hash');
  }
  if (w.block.length > 0) return { proposal: completeProposal(w, w.block, chainId) };
  if (w.blockHash.length !== 32) throw new P2pError('MALFORMED', `block hash of ${w.blockHash.length} bytes`);
  return { announcement: { ...w, blockHash: bytesToHex(w.blockHash) } };
}

/** Joins a proposal's fields with its block; with `expectedHash`, the block must hash to it. */
export function completeProposal(
  p: Omit<ProposalAnnouncement, 'blockHash'>,
  blockBytes: Uint8Array,
  chainId: bigint,
  expectedHash?: Hex,
): Proposal {
  const block = decodeBlock(blockBytes);
  const h = block.header;
  if (h.height !== p.height)
    throw new P2pError('INCONSISTENT', `proposal height ${p.height} carries block ${h.height}`);
  if (h.chainId !== chainId) throw new P2pError('INCONSISTENT', `block of chain ${h.chainId}`);
  if (expectedHash !== undefined && blockHash(h) !== expectedHash) {
    throw new P2pError('INCONSISTENT', `block does not hash to the announced ${expectedHash}`);
  }
  checkBody(block);
  return { height: p.height, round: p.round, polRound: p.polRound, block, signature: p.signature };
}

/**
 * The body must be the one the header commits to. The proposal's signature covers the block hash,
 * which is the header's alone, so a relaying peer can keep header and signature and swap the
 * transactions, the evidence or the last commit. Such a copy must be refused here, as the relay's
 * fault: handed to consensus, it would be taken as the round's proposal for that hash and found
 * invalid, and the genuine proposal arriving after it would be dropped as a duplicate.
 */
function checkBody(block: Block): void {
  const h = block.header;
  if (h.txRoot !== txRoot(block.txs))
    throw new P2pError('INCONSISTENT', 'transactions do not match the header txRoot');
  if (h.evidenceHash !== evidenceListHash(block.evidence))
    throw new P2pError('INCONSISTENT', 'evidence does not match the header evidenceHash');
  if (h.lastCommitHash !== bytesToHex(commitHash(block.lastCommit)))
    throw new P2pError('INCONSISTENT', 'last commit does not match the header lastCommitHash');
}

export function decodeVoteGossip(data: Uint8Array): Vote {
  return decodeVote(decodeVoteMessage(data));
}

export function decodeEvidenceGossip(data: Uint8Array): Evidence {
  return decodeEvidenceItem(rlpDecode(decodeEvidenceMessage(data), 'evidence'));
}

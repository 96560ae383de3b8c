// Duplicate-vote evidence: two votes by one validator for the same height, round and type but
// different blocks. Anyone can check it with the validator's public key alone.
import { compareBytes } from './bytes.ts';
import { keccak256 } from './hash.ts';
import { asBytes, asList, asSafeInt, type RlpItem, rlpDecode, rlpEncode } from './rlp.ts';
import type { Validator } from './validator.ts';
import { decodeVoteItem, encodeVote, type Vote, VoteError, verifyVoteSignature } from './vote.ts';

export const DUPLICATE_VOTE = 1;

export interface DuplicateVoteEvidence {
  readonly kind: typeof DUPLICATE_VOTE;
  /** The two votes ordered by their encoding, so the same pair always encodes the same way. */
  readonly voteA: Vote;
  readonly voteB: Vote;
}

export type Evidence = DuplicateVoteEvidence;

export function duplicateVoteEvidence(a: Vote, b: Vote): DuplicateVoteEvidence {
  const [voteA, voteB] = compareBytes(encodeVote(a), encodeVote(b)) <= 0 ? [a, b] : [b, a];
  return { kind: DUPLICATE_VOTE, voteA, voteB };
}

export function evidenceFields(ev: Evidence) {
  return [ev.kind, encodeVote(ev.voteA), encodeVote(ev.voteB)];
}

export function encodeEvidence(ev: Evidence): Uint8Array {
  return rlpEncode(evidenceFields(ev));
}

export function evidenceHash(ev: Evidence): Uint8Array {
  return keccak256(encodeEvidence(ev));
}

export function decodeEvidenceItem(item: RlpItem | undefined, field = 'evidence'): Evidence {
  const f = asList(item, field, 3);
  const kind = asSafeInt(f[0], `${field}.kind`);
  if (kind !== DUPLICATE_VOTE)
    throw new VoteError('MALFORMED', `${field}.kind: unknown evidence kind ${kind}`);
  const voteA = decodeVoteItem(rlpDecodeNested(f[1]), `${field}.voteA`);
  const voteB = decodeVoteItem(rlpDecodeNested(f[2]), `${field}.voteB`);
  if (compareBytes(encodeVote(voteA), encodeVote(voteB)) >= 0) {
    throw new VoteError('MALFORMED', `${field}: votes not in canonical order or identical`);
  }
  return { kind, voteA, voteB };
}

// Votes inside evidence are carried as their own encodings (byte strings), which keeps each vote's
// bytes identical to what was gossiped.
function rlpDecodeNested(item: RlpItem | undefined): RlpItem {
  return rlpDecode(asBytes(item, 'vote bytes'), 'vote');
}

/**
 * Checks that the evidence proves equivocation by `validator` (CometBFT evidence/verify.go is the
 * model): same height, round, type and signer, different block ids, both signatures valid.
 */
export function verifyDuplicateVote(chainId: bigint, ev: DuplicateVoteEvidence, validator: Validator): void {
  const { voteA: a, voteB: b } = ev;
  if (a.height !== b.height || a.round !== b.round || a.type !== b.type) {
    throw new VoteError('INVALID_EVIDENCE', 'votes differ in height, round or type');
  }
  if (a.validator !== b.validator || a.validator !== validator.address) {
    throw new VoteError('INVALID_EVIDENCE', 'votes are not from the same validator');
  }
  // Compared by the bytes they denote, not as strings: Hex may be in either case, and two spellings
  // of one hash have the same sign bytes, so one honest vote could otherwise be passed off as two.
  if (a.blockHash?.toLowerCase() === b.blockHash?.toLowerCase()) {
    throw new VoteError('INVALID_EVIDENCE', 'votes are for the same block');
  }
  if (!verifyVoteSignature(chainId, a, validator) || !verifyVoteSignature(chainId, b, validator)) {
    throw new VoteError('INVALID_EVIDENCE', 'a vote signature does not verify');
  }
}

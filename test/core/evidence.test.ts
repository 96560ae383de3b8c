// Duplicate-vote evidence: canonical encoding of the pair, and verifyDuplicateVote accepting real
// equivocation only.
import { describe, expect, it } from 'vitest';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import {
  DUPLICATE_VOTE,
  decodeEvidenceItem,
  duplicateVoteEvidence,
  type Evidence,
  encodeEvidence,
  evidenceHash,
  verifyDuplicateVote,
} from '../../core/evidence.ts';
import { keccak256 } from '../../core/hash.ts';
import { type RlpInput, rlpDecode, rlpEncode } from '../../core/rlp.ts';
import { encodeVote, PREVOTE, type Vote } from '../../core/vote.ts';
import {
  expectCanonicalOrRejected,
  expectCodedError,
  flipBit,
  type TestValidator,
  testValidators,
  voteFor,
} from './helpers.ts';

const CHAIN = 7n;
const BLOCK_A = `0x${'aa'.repeat(32)}` as Hex;
const BLOCK_B = `0x${'bb'.repeat(32)}` as Hex;
const [mallory, victor] = testValidators([10n, 10n], 'evidence') as [TestValidator, TestValidator];

const decodeEvidence = (bytes: Uint8Array): Evidence => decodeEvidenceItem(rlpDecode(bytes));
const equivocation = (signer = mallory) =>
  duplicateVoteEvidence(voteFor(signer, { blockHash: BLOCK_A }), voteFor(signer, { blockHash: BLOCK_B }));

describe('evidence codec', () => {
  it('orders the pair canonically, so both argument orders give the same bytes and hash', () => {
    const a = voteFor(mallory, { blockHash: BLOCK_A });
    const b = voteFor(mallory, { blockHash: BLOCK_B });
    const ab = duplicateVoteEvidence(a, b);
    const ba = duplicateVoteEvidence(b, a);
    expect(bytesToHex(encodeEvidence(ab))).toBe(bytesToHex(encodeEvidence(ba)));
    expect(bytesToHex(evidenceHash(ab))).toBe(bytesToHex(keccak256(encodeEvidence(ba))));
    expect(Buffer.compare(encodeVote(ab.voteA), encodeVote(ab.voteB))).toBe(-1);
  });

  it('round-trips, carrying each vote as its own encoding', () => {
    const ev = equivocation();
    const decoded = decodeEvidence(encodeEvidence(ev));
    expect(decoded.kind).toBe(DUPLICATE_VOTE);
    expect(bytesToHex(encodeVote(decoded.voteA))).toBe(bytesToHex(encodeVote(ev.voteA)));
    expect(bytesToHex(encodeVote(decoded.voteB))).toBe(bytesToHex(encodeVote(ev.voteB)));
    expect(() => verifyDuplicateVote(CHAIN, decoded, mallory)).not.toThrow();
  });

  const encoded = (kind: number, a: Vote, b: Vote) => rlpEncode([kind, encodeVote(a), encodeVote(b)]);
  it.each<[string, () => RlpInput | Uint8Array, RegExp]>([
    [
      'votes out of canonical order',
      () => encoded(1, equivocation().voteB, equivocation().voteA),
      /canonical order/,
    ],
    [
      'the same vote twice',
      () => encoded(1, equivocation().voteA, equivocation().voteA),
      /canonical order or identical/,
    ],
    [
      'an unknown kind',
      () => encoded(2, equivocation().voteA, equivocation().voteB),
      /unknown evidence kind 2/,
    ],
    [
      'a vote that is not a vote encoding',
      () => rlpEncode([1, Uint8Array.of(1, 2), encodeVote(equivocation().voteB)]),
      /vote/,
    ],
    ['2 fields', () => rlpEncode([1, encodeVote(equivocation().voteA)]), /expected 3 items/],
  ])('rejects %s', (_name, make, message) => {
    const bytes = make() as Uint8Array;
    expect(() => decodeEvidence(bytes)).toThrow(message);
  });

  it('damaged evidence is rejected or canonical', () => {
    const original = encodeEvidence(equivocation());
    for (let i = 0; i < original.length; i++) {
      for (const bit of [0, 3, 7]) {
        expectCanonicalOrRejected(flipBit(original, i * 8 + bit), decodeEvidence, encodeEvidence);
      }
      expectCanonicalOrRejected(original.subarray(0, i), decodeEvidence, encodeEvidence);
    }
  });
});

describe('verifyDuplicateVote', () => {
  it('accepts two signed votes for different blocks at the same height, round and type', () => {
    expect(() => verifyDuplicateVote(CHAIN, equivocation(), mallory)).not.toThrow();
    const prevotes = duplicateVoteEvidence(
      voteFor(mallory, { type: PREVOTE, blockHash: BLOCK_A }),
      voteFor(mallory, { type: PREVOTE, blockHash: BLOCK_B }),
    );
    expect(() => verifyDuplicateVote(CHAIN, prevotes, mallory)).not.toThrow();
    // A nil vote and a block vote in the same step also conflict (as in CometBFT).
    const nilAndBlock = duplicateVoteEvidence(
      voteFor(mallory, { blockHash: null }),
      voteFor(mallory, { blockHash: BLOCK_A }),
    );
    expect(() => verifyDuplicateVote(CHAIN, nilAndBlock, mallory)).not.toThrow();
  });

  const pair = (a: Parameters<typeof voteFor>[1], b: Parameters<typeof voteFor>[1], signerB = mallory) =>
    duplicateVoteEvidence(voteFor(mallory, a), voteFor(signerB, b));

  it.each<[string, () => Evidence, RegExp]>([
    [
      'the same block twice',
      () => pair({ blockHash: BLOCK_A }, { blockHash: BLOCK_A, round: 0 }),
      /same block/,
    ],
    ['two nil votes', () => pair({ blockHash: null }, { blockHash: null }), /same block/],
    [
      'different heights',
      () => pair({ blockHash: BLOCK_A }, { blockHash: BLOCK_B, height: 11 }),
      /height, round or type/,
    ],
    [
      'different rounds',
      () => pair({ blockHash: BLOCK_A }, { blockHash: BLOCK_B, round: 1 }),
      /height, round or type/,
    ],
    [
      'different types',
      () => pair({ blockHash: BLOCK_A }, { blockHash: BLOCK_B, type: PREVOTE }),
      /height, round or type/,
    ],
    [
      'different signers',
      () => pair({ blockHash: BLOCK_A }, { blockHash: BLOCK_B }, victor),
      /same validator/,
    ],
  ])('rejects %s', (_name, make, message) => {
    expectCodedError(() => verifyDuplicateVote(CHAIN, make(), mallory), 'INVALID_EVIDENCE', message);
  });

  it('rejects evidence checked against another validator', () => {
    expectCodedError(
      () => verifyDuplicateVote(CHAIN, equivocation(), victor),
      'INVALID_EVIDENCE',
      /same validator/,
    );
  });

  it('rejects a bad signature on either vote, and signatures from another chain', () => {
    const ev = equivocation();
    for (const which of ['voteA', 'voteB'] as const) {
      const forged = { ...ev, [which]: { ...ev[which], signature: flipBit(ev[which].signature, 9) } };
      expectCodedError(() => verifyDuplicateVote(CHAIN, forged, mallory), 'INVALID_EVIDENCE', /signature/);
    }
    expectCodedError(() => verifyDuplicateVote(CHAIN + 1n, ev, mallory), 'INVALID_EVIDENCE', /signature/);
  });

  it('rejects one vote presented twice with its block hash spelled in different hex case', () => {
    // Hex strings are accepted in any case elsewhere (hexToBytes), and both spellings have the same
    // sign bytes, so both signatures verify: comparing the strings would slash an honest validator.
    const vote = voteFor(mallory, { blockHash: BLOCK_A });
    const shouting = { ...vote, blockHash: vote.blockHash!.toUpperCase().replace('0X', '0x') as Hex };
    const ev: Evidence = { kind: DUPLICATE_VOTE, voteA: vote, voteB: shouting };
    expectCodedError(() => verifyDuplicateVote(CHAIN, ev, mallory), 'INVALID_EVIDENCE', /same block/);
  });
});

// Votes and commit certificates: codecs, sign-bytes domain separation, and verifyCommit against
// real ed25519 signatures from a weighted validator set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { keccak256 } from '../../core/hash.ts';
import { type RlpInput, rlpEncode } from '../../core/rlp.ts';
import {
  type Commit,
  type CommitSig,
  commitFields,
  commitHash,
  decodeCommit,
  decodeVote,
  encodeCommit,
  encodeVote,
  PRECOMMIT,
  PREVOTE,
  sortCommitSigs,
  type Vote,
  verifyCommit,
  verifyCommitTrusting,
  verifyVoteSignature,
  voteSignBytes,
} from '../../core/vote.ts';
import {
  anyAddress,
  bytesOf,
  expectCanonicalOrRejected,
  expectCodedError,
  flipBit,
  hex32,
  mutation,
  printable,
  safeInt,
  type TestValidator,
  testValidators,
  voteFor,
} from './helpers.ts';

const CHAIN = 7n;
const BLOCK = `0x${'ab'.repeat(32)}` as Hex;
const OTHER_BLOCK = `0x${'cd'.repeat(32)}` as Hex;

const voteArb = fc.record({
  type: fc.constantFrom(PREVOTE, PRECOMMIT),
  height: safeInt,
  round: safeInt,
  blockHash: fc.option(hex32, { nil: null }),
  validator: anyAddress,
  signature: bytesOf(64),
});

const commitArb = fc.record({
  height: safeInt,
  round: safeInt,
  blockHash: hex32,
  signatures: fc
    .uniqueArray(fc.record({ validator: anyAddress, signature: bytesOf(64) }), {
      selector: (s) => s.validator,
      maxLength: 8,
    })
    .map(sortCommitSigs),
});

describe('vote codec', () => {
  it('decode(encode(v)) = v for prevotes, precommits and nil votes', () => {
    fc.assert(
      fc.property(voteArb, (vote) => {
        expect(printable(decodeVote(encodeVote(vote)))).toEqual(printable(vote));
      }),
      { numRuns: 300 },
    );
  });

  const base: Vote = {
    type: PRECOMMIT,
    height: 5,
    round: 1,
    blockHash: BLOCK,
    validator: `0x${'11'.repeat(20)}`,
    signature: new Uint8Array(64),
  };
  const fields = (overrides: Partial<Record<number, RlpInput>>, length = 6): RlpInput[] =>
    [base.type, base.height, base.round, bytesOf32(base.blockHash), bytesOf20(base.validator), base.signature]
      .map((f, i) => (i in overrides ? overrides[i]! : f))
      .slice(0, length);

  it.each<[string, RlpInput[], string, RegExp]>([
    ['5 fields', fields({}, 5), 'DECODE', /vote: expected 6 items/],
    ['vote type 0', fields({ 0: 0 }), 'MALFORMED', /unknown vote type 0/],
    ['vote type 3', fields({ 0: 3 }), 'MALFORMED', /unknown vote type 3/],
    [
      'block hash of 31 bytes',
      fields({ 3: new Uint8Array(31) }),
      'MALFORMED',
      /blockHash: expected 32 bytes or empty/,
    ],
    ['validator of 19 bytes', fields({ 4: new Uint8Array(19) }), 'DECODE', /validator: expected 20 bytes/],
    ['signature of 63 bytes', fields({ 5: new Uint8Array(63) }), 'DECODE', /signature: expected 64 bytes/],
    [
      'height with a leading zero',
      fields({ 1: Uint8Array.of(0, 5) }),
      'DECODE',
      /height: integer has leading zero/,
    ],
    ['round above 2^53', fields({ 2: 2n ** 60n }), 'DECODE', /round: integer too large/],
  ])('rejects %s', (_name, list, code, message) => {
    expect(printable(decodeVote(encodeVote(base)))).toEqual(printable(base)); // the base itself is fine
    expectCodedError(() => decodeVote(rlpEncode(list)), code, message);
  });

  it('damaged vote encodings are rejected or canonical', () => {
    fc.assert(
      fc.property(
        voteArb.chain((v) => mutation(encodeVote(v))),
        (bytes) => {
          expectCanonicalOrRejected(bytes, decodeVote, encodeVote);
        },
      ),
      { numRuns: 500 },
    );
  });
});

function bytesOf32(hash: Hex | null): Uint8Array {
  return hash === null ? new Uint8Array(0) : Buffer.from(hash.slice(2), 'hex');
}
function bytesOf20(address: string): Uint8Array {
  return Buffer.from(address.slice(2), 'hex');
}

describe('vote sign bytes', () => {
  const vote = { type: PRECOMMIT, height: 10, round: 2, blockHash: BLOCK } as const;
  const signBytes = bytesToHex(voteSignBytes(CHAIN, vote));

  it('change with every signed field, including the chain id', () => {
    const variants = [
      voteSignBytes(CHAIN + 1n, vote),
      voteSignBytes(CHAIN, { ...vote, type: PREVOTE }),
      voteSignBytes(CHAIN, { ...vote, height: 11 }),
      voteSignBytes(CHAIN, { ...vote, round: 3 }),
      voteSignBytes(CHAIN, { ...vote, blockHash: OTHER_BLOCK }),
      voteSignBytes(CHAIN, { ...vote, blockHash: null }),
    ].map(bytesToHex);
    expect(new Set([signBytes, ...variants]).size).toBe(variants.length + 1);
  });

  it('carry the domain tag, so they cannot be mistaken for another signed object', () => {
    expect(Buffer.from(voteSignBytes(CHAIN, vote)).includes(Buffer.from('openchain/vote/v1'))).toBe(true);
  });

  it('a signed vote verifies for its validator only, and not after any field changes', () => {
    const [alice, bob] = testValidators([1n, 1n]) as [TestValidator, TestValidator];
    const signed = voteFor(alice, { ...vote, chainId: CHAIN });
    expect(verifyVoteSignature(CHAIN, signed, alice)).toBe(true);
    expect(verifyVoteSignature(CHAIN, signed, bob)).toBe(false);
    expect(verifyVoteSignature(CHAIN + 1n, signed, alice)).toBe(false);
    for (const changed of [
      { ...signed, round: 3 },
      { ...signed, height: 11 },
      { ...signed, type: PREVOTE },
      { ...signed, blockHash: null },
      { ...signed, signature: flipBit(signed.signature, 100) },
    ] as Vote[]) {
      expect(verifyVoteSignature(CHAIN, changed, alice)).toBe(false);
    }
  });
});

describe('commit codec', () => {
  it('decode(encode(c)) = c', () => {
    fc.assert(
      fc.property(commitArb, (commit) => {
        expect(printable(decodeCommit(encodeCommit(commit)))).toEqual(printable(commit));
      }),
      { numRuns: 200 },
    );
  });

  const sig = (byte: number): CommitSig => ({
    validator: `0x${byte.toString(16).padStart(2, '0').repeat(20)}`,
    signature: new Uint8Array(64).fill(byte),
  });
  const commitWith = (signatures: CommitSig[]): Uint8Array =>
    rlpEncode(commitFields({ height: 3, round: 0, blockHash: BLOCK, signatures }));

  it('rejects signatures that are not sorted by validator address', () => {
    expect(decodeCommit(commitWith([sig(1), sig(2)])).signatures).toHaveLength(2);
    expectCodedError(
      () => decodeCommit(commitWith([sig(2), sig(1)])),
      'MALFORMED',
      /not sorted by validator or repeated/,
    );
  });

  it('rejects the same signer twice', () => {
    expectCodedError(
      () => decodeCommit(commitWith([sig(1), sig(1)])),
      'MALFORMED',
      /not sorted by validator or repeated/,
    );
  });

  it.each<[string, RlpInput, RegExp]>([
    ['3 fields', [3, 0, bytesOf32(BLOCK)], /commit: expected 4 items/],
    ['a 31-byte block hash', [3, 0, new Uint8Array(31), []], /blockHash: expected 32 bytes/],
    ['a nil block hash', [3, 0, new Uint8Array(0), []], /blockHash: expected 32 bytes/],
    [
      'a 63-byte signature',
      [3, 0, bytesOf32(BLOCK), [[bytesOf20(sig(1).validator), new Uint8Array(63)]]],
      /signature: expected 64/,
    ],
    [
      'a 19-byte validator',
      [3, 0, bytesOf32(BLOCK), [[new Uint8Array(19), new Uint8Array(64)]]],
      /validator: expected 20/,
    ],
    [
      'a signature entry with 3 items',
      [3, 0, bytesOf32(BLOCK), [[bytesOf20(sig(1).validator), new Uint8Array(64), []]]],
      /expected 2 items/,
    ],
  ])('rejects %s', (_name, list, message) => {
    expect(() => decodeCommit(rlpEncode(list))).toThrow(message);
  });

  it('damaged commit encodings are rejected or canonical', () => {
    fc.assert(
      fc.property(
        commitArb.chain((c) => mutation(encodeCommit(c))),
        (bytes) => {
          expectCanonicalOrRejected(bytes, decodeCommit, encodeCommit);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the hash of "no commit" is keccak256 of the empty list (0xc0)', () => {
    expect(bytesToHex(commitHash(null))).toBe(
      '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
    );
    const commit: Commit = { height: 1, round: 0, blockHash: BLOCK, signatures: [sig(1)] };
    expect(bytesToHex(commitHash(commit))).toBe(bytesToHex(keccak256(encodeCommit(commit))));
  });
});

describe('verifyCommit', () => {
  // Powers 10, 20, 30, 40 of 100: quorum needs more than 66.67.
  const set = testValidators([10n, 20n, 30n, 40n]);
  const [v10, v20, v30, v40] = set as [TestValidator, TestValidator, TestValidator, TestValidator];
  const height = 12;
  const round = 1;

  /** A commit signed (precommits for BLOCK at height/round) by the given validators. */
  function commitBy(signers: TestValidator[], vote: Parameters<typeof voteFor>[1] = {}): Commit {
    const fields = { type: PRECOMMIT, height, round, blockHash: BLOCK, chainId: CHAIN, ...vote } as const;
    const signatures = signers.map((v) => ({
      validator: v.address,
      signature: voteFor(v, fields).signature,
    }));
    return { height, round, blockHash: BLOCK, signatures: sortCommitSigs(signatures) };
  }

  it('accepts +2/3 of the power: 40 + 30 = 70 of 100, and all four', () => {
    expect(() => verifyCommit(CHAIN, commitBy([v40, v30]), set)).not.toThrow();
    expect(() => verifyCommit(CHAIN, commitBy(set), set)).not.toThrow();
  });

  it('survives the wire: a decoded commit verifies', () => {
    expect(() =>
      verifyCommit(CHAIN, decodeCommit(encodeCommit(commitBy([v40, v30, v10]))), set),
    ).not.toThrow();
  });

  it('rejects exactly two thirds, and less', () => {
    const thirds = testValidators([10n, 20n, 30n], 'thirds'); // total 60, two thirds = 40
    const [t10, , t30] = thirds as [TestValidator, TestValidator, TestValidator];
    expectCodedError(
      () => verifyCommit(CHAIN, commitBy([t10, t30]), thirds),
      'INSUFFICIENT_POWER',
      /power 40 of 60/,
    );
    expect(() => verifyCommit(CHAIN, commitBy([thirds[1]!, t30]), thirds)).not.toThrow(); // 50 of 60
    expectCodedError(
      () => verifyCommit(CHAIN, commitBy([v40, v20]), set),
      'INSUFFICIENT_POWER',
      /power 60 of 100/,
    );
    expectCodedError(() => verifyCommit(CHAIN, commitBy([]), set), 'INSUFFICIENT_POWER');
  });

  it('rejects a tampered signature even when the rest has power to spare', () => {
    const commit = commitBy(set);
    const signatures = commit.signatures.map((s, i) =>
      i === 2 ? { ...s, signature: flipBit(s.signature, 7) } : s,
    );
    expectCodedError(() => verifyCommit(CHAIN, { ...commit, signatures }, set), 'BAD_SIGNATURE');
  });

  it.each<[string, Parameters<typeof voteFor>[1]]>([
    ['another chain', { chainId: CHAIN + 1n }],
    ['another round', { round: round + 1 }],
    ['another height', { height: height + 1 }],
    ['another block', { blockHash: OTHER_BLOCK }],
    ['a prevote instead of a precommit', { type: PREVOTE }],
  ])('rejects genuine signatures over %s', (_name, vote) => {
    expectCodedError(() => verifyCommit(CHAIN, commitBy([v40, v30, v20], vote), set), 'BAD_SIGNATURE');
  });

  it('rejects a signature from outside the validator set', () => {
    const [stranger] = testValidators([50n], 'stranger');
    expectCodedError(
      () => verifyCommit(CHAIN, commitBy([v40, v30, stranger!]), set),
      'UNKNOWN_VALIDATOR',
      new RegExp(stranger!.address),
    );
  });

  it('rejects the same validator counted twice (40 + 40 would otherwise pass)', () => {
    const once = commitBy([v40, v30]).signatures.find((s) => s.validator === v40.address)!;
    const commit = { ...commitBy([v40]), signatures: [once, once] };
    expectCodedError(() => verifyCommit(CHAIN, commit, set), 'DUPLICATE_SIGNER');
  });

  describe('verifyCommitTrusting (a peer head whose validator set may have moved on)', () => {
    const [stranger] = testValidators([50n], 'stranger');

    it('accepts more than a third of the known power, passing over signers it does not know', () => {
      expect(() => verifyCommitTrusting(CHAIN, commitBy([v40]), set)).not.toThrow();
      expect(() => verifyCommitTrusting(CHAIN, commitBy([v30, v10, stranger!]), set)).not.toThrow();
    });

    it('cannot tell from a third or less, however many strangers signed', () => {
      expectCodedError(
        () => verifyCommitTrusting(CHAIN, commitBy([v20, v10, stranger!]), set),
        'INSUFFICIENT_POWER',
        /power 30 of the 100 known/,
      );
      expectCodedError(() => verifyCommitTrusting(CHAIN, commitBy([]), set), 'INSUFFICIENT_POWER');
    });

    it('needs strictly more than a third: exactly a third cannot tell', () => {
      const thirds = testValidators([30n, 30n, 30n], 'third');
      expectCodedError(
        () => verifyCommitTrusting(CHAIN, commitBy([thirds[0]!]), thirds),
        'INSUFFICIENT_POWER',
        /power 30 of the 90 known/,
      );
      expect(() => verifyCommitTrusting(CHAIN, commitBy([thirds[0]!, thirds[1]!]), thirds)).not.toThrow();
    });

    it('rejects a forged signature of a known validator, and a repeated one', () => {
      const commit = commitBy([v40, v30]);
      const signatures = commit.signatures.map((s, i) =>
        i === 0 ? { ...s, signature: flipBit(s.signature, 3) } : s,
      );
      expectCodedError(() => verifyCommitTrusting(CHAIN, { ...commit, signatures }, set), 'BAD_SIGNATURE');
      const once = commit.signatures[0]!;
      expectCodedError(
        () => verifyCommitTrusting(CHAIN, { ...commit, signatures: [once, once] }, set),
        'DUPLICATE_SIGNER',
      );
    });
  });
});

// Validator sets: addresses, the two-thirds quorum boundary, and the set hash.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../core/bytes.ts';
import { merkleRoot } from '../../core/merkle.ts';
import {
  encodeValidator,
  isQuorum,
  sortValidators,
  totalPower,
  validatorAddress,
  validatorsHash,
} from '../../core/validator.ts';
import { sha256Node, testValidators } from './helpers.ts';

describe('validatorAddress', () => {
  it('is the first 20 bytes of sha256(pubKey), as in CometBFT', () => {
    const [v] = testValidators([1n]);
    expect(v!.address).toBe(bytesToHex(sha256Node(v!.pubKey).subarray(0, 20)));
    expect(validatorAddress(v!.pubKey)).toBe(v!.address);
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => validatorAddress(new Uint8Array(31))).toThrow(/32 bytes/);
    expect(() => validatorAddress(new Uint8Array(33))).toThrow(/32 bytes/);
  });
});

describe('isQuorum: strictly more than two thirds', () => {
  it('for every total 1..300 the smallest quorum is floor(2t/3) + 1', () => {
    for (let t = 1n; t <= 300n; t++) {
      const smallest = (2n * t) / 3n + 1n;
      expect(isQuorum(smallest, t), `total ${t}`).toBe(true);
      expect(isQuorum(smallest - 1n, t), `total ${t}`).toBe(false);
    }
  });

  it('exactly two thirds is not a quorum, also beyond 2^53', () => {
    expect(isQuorum(2n, 3n)).toBe(false);
    expect(isQuorum(200n, 300n)).toBe(false);
    const big = 3n * 2n ** 80n;
    expect(isQuorum(2n * 2n ** 80n, big)).toBe(false);
    expect(isQuorum(2n * 2n ** 80n + 1n, big)).toBe(true);
    expect(isQuorum(0n, 0n)).toBe(false);
  });
});

describe('validatorsHash', () => {
  const set = testValidators([10n, 20n, 30n, 40n]);

  it('is the Merkle root of the encoded validators sorted by address, whatever the input order', () => {
    const sorted = sortValidators(set);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]!.address < sorted[i]!.address).toBe(true);
    const expected = bytesToHex(merkleRoot(sorted.map(encodeValidator)));
    expect(bytesToHex(validatorsHash(set))).toBe(expected);
    expect(bytesToHex(validatorsHash([...set].reverse()))).toBe(expected);
  });

  it('commits to power, key and reward address', () => {
    const base = bytesToHex(validatorsHash(set));
    const [first, ...rest] = set;
    const changed = [
      { ...first!, power: first!.power + 1n },
      { ...first!, rewardAddress: `0x${'00'.repeat(20)}` as const },
      { ...first!, pubKey: testValidators([1n], 'other')[0]!.pubKey },
    ];
    for (const v of changed) expect(bytesToHex(validatorsHash([v, ...rest]))).not.toBe(base);
  });

  it('totalPower sums bigints exactly', () => {
    expect(totalPower(set)).toBe(100n);
    expect(totalPower(testValidators([2n ** 62n, 2n ** 62n, 1n]))).toBe(2n ** 63n + 1n);
  });
});

// Refusals of votes and commits name the object and the field at fault, so an operator reading a
// peer's rejected message (or a failed block) knows what was wrong without a debugger.
import { describe, expect, it } from 'vitest';
import { type Hex, hexToBytes } from '../../core/bytes.ts';
import { rlpEncode } from '../../core/rlp.ts';
import {
  type Commit,
  decodeCommit,
  decodeVote,
  PRECOMMIT,
  sortCommitSigs,
  verifyCommit,
} from '../../core/vote.ts';
import { testValidators, voteFor } from './helpers.ts';

const BLOCK = `0x${'ab'.repeat(32)}` as Hex;
const VALIDATOR = hexToBytes(`0x${'11'.repeat(20)}`);

describe('vote and commit decoding errors name the field', () => {
  it.each<[string, Uint8Array, string]>([
    ['a vote that is not RLP', Uint8Array.of(0xc5, 1), 'malformed vote: item runs past the data'],
    [
      'a vote type too large',
      rlpEncode([2n ** 60n, 1, 0, hexToBytes(BLOCK), VALIDATOR, new Uint8Array(64)]),
      'vote.type: integer too large',
    ],
    ['a commit that is not RLP', Uint8Array.of(0xc5, 1), 'malformed commit: item runs past the data'],
    [
      'a commit height too large',
      rlpEncode([2n ** 60n, 0, hexToBytes(BLOCK), []]),
      'commit.height: integer too large',
    ],
    [
      'a commit round too large',
      rlpEncode([1, 2n ** 60n, hexToBytes(BLOCK), []]),
      'commit.round: integer too large',
    ],
    [
      'commit signatures that are not a list',
      rlpEncode([1, 0, hexToBytes(BLOCK), 5]),
      'commit.signatures: expected an RLP list',
    ],
    [
      'a commit signature of three items',
      rlpEncode([1, 0, hexToBytes(BLOCK), [[VALIDATOR, new Uint8Array(64), 1]]]),
      'commit.signatures[0]: expected 2 items, got 3',
    ],
  ])('%s', (_what, bytes, message) => {
    const decode = message.includes('commit') ? decodeCommit : decodeVote;
    expect(() => decode(bytes)).toThrow(message);
  });
});

describe('verifyCommit errors name the signer', () => {
  const set = testValidators([10n, 20n, 30n, 40n], 'vem');
  const signed = (i: number) => ({
    validator: set[i]!.address,
    signature: voteFor(set[i]!, { type: PRECOMMIT, height: 3, round: 0, blockHash: BLOCK, chainId: 7n })
      .signature,
  });
  const commit = (signatures: Commit['signatures']): Commit => ({
    height: 3,
    round: 0,
    blockHash: BLOCK,
    signatures,
  });

  it('a signer counted twice', () => {
    const twice = commit([signed(3), signed(3)]);
    expect(() => verifyCommit(7n, twice, set)).toThrow(`commit has two signatures from ${set[3]!.address}`);
  });

  it('a signature that does not verify', () => {
    const bad = { ...signed(2), signature: new Uint8Array(64) };
    const forged = commit(sortCommitSigs([signed(3), bad]));
    expect(() => verifyCommit(7n, forged, set)).toThrow(
      `commit signature of ${set[2]!.address} does not verify`,
    );
  });
});

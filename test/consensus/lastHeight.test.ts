// blockProblem's check of a proposal's last commit: precommits the node holds (verified on arrival)
// are not verified again, and anything else in the commit still is.
import { describe, expect, it } from 'vitest';
import { blockProblem, type LastHeight } from '../../consensus/lastHeight.ts';
import { ValidatorSet } from '../../consensus/validatorSet.ts';
import { VoteSet } from '../../consensus/voteSet.ts';
import type { Hex } from '../../core/bytes.ts';
import { type Commit, PRECOMMIT, sortCommitSigs, type Vote } from '../../core/vote.ts';
import { CHAIN_ID, GENESIS_TIME, makeBlock, makeValidators, plain, vote } from './harness/fixtures.ts';

const vals = makeValidators([10n, 10n, 10n, 10n]);
const set = new ValidatorSet(vals.map(plain));
const HASH1 = `0x${'11'.repeat(32)}` as Hex;

function lastHeight(held: readonly Vote[]): LastHeight {
  const precommits = new VoteSet(CHAIN_ID, 1, 0, PRECOMMIT, set);
  for (const v of held) precommits.add(v, true);
  return { height: 1, blockHash: HASH1, validators: set, precommits };
}

function commitOf(votes: readonly Vote[]): Commit {
  return {
    height: 1,
    round: 0,
    blockHash: HASH1,
    signatures: sortCommitSigs(votes.map((v) => ({ validator: v.validator, signature: v.signature }))),
  };
}

function problemWith(last: LastHeight, lastCommit: Commit): string | undefined {
  const block = makeBlock({
    height: 2,
    parent: { hash: HASH1, time: GENESIS_TIME },
    time: GENESIS_TIME + 1000,
    proposer: vals[0]!.address,
    validators: set.validators,
    lastCommit,
  });
  const head = { header: { ...block.header, height: 1, time: GENESIS_TIME }, hash: HASH1 };
  return blockProblem(CHAIN_ID, 2, head, last, block);
}

describe('blockProblem: last commit', () => {
  const precommits = vals.map((v) => vote(v, PRECOMMIT, 1, 0, HASH1));

  it('accepts a last commit made of held precommits, and one with precommits it does not hold', () => {
    expect(problemWith(lastHeight(precommits.slice(0, 3)), commitOf(precommits.slice(0, 3)))).toBeUndefined();
    // The fourth precommit is not held: it is verified, and it is valid.
    expect(problemWith(lastHeight(precommits.slice(0, 3)), commitOf(precommits))).toBeUndefined();
  });

  it('still rejects a forged signature from a validator whose real precommit it holds', () => {
    const forged = { ...precommits[1]!, signature: new Uint8Array(64).fill(9) };
    const commit = commitOf([precommits[0]!, forged, precommits[2]!]);
    expect(problemWith(lastHeight(precommits.slice(0, 3)), commit)).toMatch(/last commit: .*does not verify/);
  });

  it('still rejects held precommits short of +2/3', () => {
    expect(problemWith(lastHeight(precommits.slice(0, 2)), commitOf(precommits.slice(0, 2)))).toMatch(
      /last commit: .*more than two thirds/,
    );
  });
});

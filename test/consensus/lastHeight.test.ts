// blockProblem's check of a proposal's last commit: precommits the node holds (verified on arrival)
// are not verified again, and anything else in the commit still is.
import { describe, expect, it } from 'vitest';
import { blockProblem, type LastHeight, lastHeightFromCommit } from '../../consensus/lastHeight.ts';
import { ValidatorSet } from '../../consensus/validatorSet.ts';
import { VoteSet } from '../../consensus/voteSet.ts';
import type { Hex } from '../../core/bytes.ts';
import { type Commit, PRECOMMIT, sortCommitSigs, type Vote } from '../../core/vote.ts';
import { CHAIN_ID, GENESIS_TIME, makeBlock, makeValidators, plain, vote } from './harness/fixtures.ts';

const vals = makeValidators([10n, 10n, 10n, 10n]);
const set = new ValidatorSet(vals.map(plain));
const HASH1 = `0x${'11'.repeat(32)}` as Hex;

function heldSet(held: readonly Vote[]): VoteSet {
  const precommits = new VoteSet(CHAIN_ID, 1, 0, PRECOMMIT, set);
  for (const v of held) precommits.add(v, true);
  return precommits;
}

function lastHeight(held: readonly Vote[]): LastHeight {
  return { height: 1, blockHash: HASH1, validators: set, precommits: heldSet(held) };
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

// The held-precommit shortcut may skip a signature only when the held vote signed exactly what the
// commit claims: the same round and the same block. Otherwise the signature is checked against the
// commit's own sign bytes, where a signature made for another round or for nil does not verify.
describe('blockProblem: held precommits count only for the commit they signed', () => {
  const round0 = vals.map((v) => vote(v, PRECOMMIT, 1, 0, HASH1));

  it('rejects a last commit claiming round 1 carried by the round-0 signatures we hold', () => {
    const claimsRound1 = { ...commitOf(round0), round: 1 };
    expect(problemWith(lastHeight(round0), claimsRound1)).toMatch(/last commit: .*does not verify/);
  });

  it('rejects a last commit for the block carried by nil precommits we hold', () => {
    const nil = vals.map((v) => vote(v, PRECOMMIT, 1, 0, null));
    expect(problemWith(lastHeight(nil), commitOf(nil))).toMatch(/last commit: .*does not verify/);
  });

  // A held vote is trusted as verified on arrival; a stand-in signature shows whether it was trusted.
  const trusted = (v: Vote): Vote => ({ ...v, signature: new Uint8Array(64).fill(7) });

  it('counts a held precommit without verifying it again, whatever the letter case of its hash', () => {
    const upper = `0x${'AB'.repeat(32)}` as Hex;
    const held = vals.map((v) => trusted(vote(v, PRECOMMIT, 1, 0, upper)));
    const last: LastHeight = { ...lastHeight([]), blockHash: upper, precommits: heldSet(held) };
    expect(problemWith(last, { ...commitOf(held), blockHash: upper.toLowerCase() as Hex })).toBeUndefined();
  });
});

describe('blockProblem: the block itself', () => {
  const head = { header: { ...genesisChild(null).header, height: 1, time: GENESIS_TIME }, hash: HASH1 };
  const precommits = vals.map((v) => vote(v, PRECOMMIT, 1, 0, HASH1));

  function genesisChild(
    lastCommit: Commit | null,
    over: { height?: number; parent?: Hex; time?: number } = {},
  ) {
    return makeBlock({
      height: over.height ?? 2,
      parent: { hash: over.parent ?? HASH1, time: GENESIS_TIME },
      time: over.time ?? GENESIS_TIME + 1,
      proposer: vals[0]!.address,
      validators: set.validators,
      lastCommit,
    });
  }

  it('names a wrong height, a foreign parent and a time not after the parent', () => {
    const last = lastHeight(precommits);
    const commit = commitOf(precommits);
    expect(blockProblem(CHAIN_ID, 2, head, last, genesisChild(commit, { height: 3 }))).toBe(
      'height 3, expected 2',
    );
    expect(
      blockProblem(CHAIN_ID, 2, head, last, genesisChild(commit, { parent: `0x${'22'.repeat(32)}` })),
    ).toMatch(/^parent 0x2{64} is not our head$/);
    expect(blockProblem(CHAIN_ID, 2, head, last, genesisChild(commit, { time: GENESIS_TIME }))).toBe(
      `time ${GENESIS_TIME} not after the parent's ${GENESIS_TIME}`,
    );
    expect(blockProblem(CHAIN_ID, 2, head, last, genesisChild(commit))).toBeUndefined();
  });

  it('compares the parent hash regardless of letter case', () => {
    const upperHead = { ...head, hash: `0x${'AB'.repeat(32)}` as Hex };
    const block = genesisChild(null, { parent: `0x${'ab'.repeat(32)}` });
    expect(blockProblem(CHAIN_ID, 2, upperHead, null, block)).toBeUndefined();
    expect(
      blockProblem(CHAIN_ID, 2, { ...head, hash: `0x${'ab'.repeat(32)}` }, null, {
        ...block,
        header: { ...block.header, parentHash: upperHead.hash },
      }),
    ).toBeUndefined();
  });

  it('wants no last commit on the first block and one on every later block', () => {
    expect(blockProblem(CHAIN_ID, 2, head, null, genesisChild(null))).toBeUndefined();
    expect(blockProblem(CHAIN_ID, 2, head, null, genesisChild(commitOf(precommits)))).toBe(
      'the first block has no last commit',
    );
    expect(blockProblem(CHAIN_ID, 2, head, lastHeight(precommits), genesisChild(null))).toBe(
      'missing last commit',
    );
  });

  it('rejects a last commit for another height or another block', () => {
    const last = lastHeight(precommits);
    const wrong = 'last commit is not for the parent block';
    expect(blockProblem(CHAIN_ID, 2, head, last, genesisChild({ ...commitOf(precommits), height: 2 }))).toBe(
      wrong,
    );
    const other = { ...commitOf(precommits), blockHash: `0x${'22'.repeat(32)}` as Hex };
    expect(blockProblem(CHAIN_ID, 2, head, last, genesisChild(other))).toBe(wrong);
  });
});

describe('lastHeightFromCommit', () => {
  it('holds the precommits of the commit as votes for its block in its round', () => {
    const round = 2;
    const precommits = vals.slice(0, 3).map((v) => vote(v, PRECOMMIT, 1, round, HASH1));
    const commit: Commit = { ...commitOf(precommits), round };
    const last = lastHeightFromCommit(CHAIN_ID, commit, set);
    expect(last.height).toBe(1);
    expect(last.blockHash).toBe(HASH1);
    expect(last.validators).toBe(set);
    expect(last.precommits.round).toBe(round);
    expect(last.precommits.height).toBe(1);
    expect(last.precommits.twoThirdsMajority()).toBe(HASH1);
    expect(last.precommits.votesFor(HASH1)).toEqual(sortedByValidator(precommits));
    // The rebuilt set is the one a proposal's last commit is checked against.
    expect(problemWith(last, commit)).toBeUndefined();
  });
});

function sortedByValidator(votes: readonly Vote[]): Vote[] {
  return [...votes].sort((a, b) => (a.validator < b.validator ? -1 : 1));
}

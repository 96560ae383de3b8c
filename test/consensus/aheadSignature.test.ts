// Messages from heights beyond the next are judged by signature alone: signed by a validator we know,
// by a signer we do not know, or forged (a known signer that did not sign this, for this chain).
import { describe, expect, it } from 'vitest';
import { aheadSignature } from '../../consensus/aheadSignature.ts';
import { ValidatorSet } from '../../consensus/validatorSet.ts';
import type { Address } from '../../core/address.ts';
import { PRECOMMIT } from '../../core/vote.ts';
import { blockAtHeight1, CHAIN_ID, makeValidators, plain, proposal, vote } from './harness/fixtures.ts';

const vals = makeValidators([1n, 1n, 1n, 1n], 'ahead');
const known = new ValidatorSet(vals.slice(0, 3).map(plain));
const stranger = vals[3]!;
const HASH = `0x${'ab'.repeat(32)}` as const;

describe('signature of a message from far ahead', () => {
  it('votes: signed by a known validator, by an unknown one, or forged', () => {
    const signed = vote(vals[1]!, PRECOMMIT, 9, 2, HASH);
    expect(aheadSignature(CHAIN_ID, { kind: 'vote', vote: signed }, known)).toBe('signed');
    const unknown = vote(stranger, PRECOMMIT, 9, 2, HASH);
    expect(aheadSignature(CHAIN_ID, { kind: 'vote', vote: unknown }, known)).toBe('unknown');
    // Signed by validator 1, claiming validator 2.
    const claimed = { ...signed, validator: vals[2]!.address as Address };
    expect(aheadSignature(CHAIN_ID, { kind: 'vote', vote: claimed }, known)).toBe('forged');
    // A real signature for another chain does not count here.
    const otherChain = vote(vals[1]!, PRECOMMIT, 9, 2, HASH, CHAIN_ID + 1n);
    expect(aheadSignature(CHAIN_ID, { kind: 'vote', vote: otherChain }, known)).toBe('forged');
  });

  it('proposals: judged against the proposer the block names', () => {
    const builtBy1 = blockAtHeight1(vals.map(plain), 1, vals[1]!.address);
    const signed = proposal(vals[1]!, builtBy1, 3);
    expect(aheadSignature(CHAIN_ID, { kind: 'proposal', proposal: signed }, known)).toBe('signed');
    expect(aheadSignature(CHAIN_ID + 1n, { kind: 'proposal', proposal: signed }, known)).toBe('forged');
    // Signed by another known validator than the block's proposer.
    const signedBy2 = proposal(vals[2]!, builtBy1, 3);
    expect(aheadSignature(CHAIN_ID, { kind: 'proposal', proposal: signedBy2 }, known)).toBe('forged');
    const builtByStranger = blockAtHeight1(vals.map(plain), 1, stranger.address);
    const byStranger = proposal(stranger, builtByStranger, 3);
    expect(aheadSignature(CHAIN_ID, { kind: 'proposal', proposal: byStranger }, known)).toBe('unknown');
  });
});

// Which duplicate-vote evidence a block may carry (state/evidence.ts): real equivocation by a
// validator of the evidence's height, from the past but not older than the age limit, not repeated
// in the block and never included before; and what including it records in the state.
import { describe, expect, it } from 'vitest';
import { bytesToHex, type Hex } from '../../core/bytes.ts';
import { duplicateVoteEvidence, type Evidence, evidenceHash } from '../../core/evidence.ts';
import { asBytes, asList, asSafeInt, rlpDecode } from '../../core/rlp.ts';
import type { Validator } from '../../core/validator.ts';
import {
  checkEvidence,
  type EvidenceContext,
  evidenceHeight,
  InvalidEvidenceError,
  recordEvidence,
} from '../../state/evidence.ts';
import { StateOverlay } from '../../state/stateDb.ts';
import { stateKeys } from '../../state/stateKeys.ts';
import { type TestValidator, testValidators, voteFor } from '../core/helpers.ts';

const CHAIN = 7n;
const BLOCK_A = `0x${'aa'.repeat(32)}` as Hex;
const BLOCK_B = `0x${'bb'.repeat(32)}` as Hex;
const [mallory, victor] = testValidators([10n, 10n], 'evidence-rules') as [TestValidator, TestValidator];

/** mallory signing two blocks at `height`. */
const equivocation = (height: number, signer = mallory, blocks: [Hex, Hex] = [BLOCK_A, BLOCK_B]) =>
  duplicateVoteEvidence(
    voteFor(signer, { height, blockHash: blocks[0] }),
    voteFor(signer, { height, blockHash: blocks[1] }),
  );

function context(height: number, state = new StateOverlay({ get: () => undefined })) {
  const asked: number[] = [];
  const ctx: EvidenceContext = {
    chainId: CHAIN,
    height,
    maxAgeBlocks: 100,
    state,
    validatorsAt: async (h: number): Promise<readonly Validator[]> => {
      asked.push(h);
      return [mallory];
    },
  };
  return { ctx, asked };
}

async function refusal(list: Evidence[], ctx: EvidenceContext): Promise<string> {
  try {
    await checkEvidence(list, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidEvidenceError);
    expect((err as InvalidEvidenceError).code).toBe('INVALID_EVIDENCE');
    return (err as Error).message;
  }
  throw new Error('the evidence was accepted');
}

const idOf = (ev: Evidence) => bytesToHex(evidenceHash(ev)).slice(2);

describe('checkEvidence', () => {
  it('accepts equivocation by a validator of the evidence height, asking for that height’s set', async () => {
    const { ctx, asked } = context(50);
    // Each comes back with the offender's power in that height's set (what a slash is measured by).
    await expect(checkEvidence([equivocation(49), equivocation(10)], ctx)).resolves.toEqual([
      { evidence: equivocation(49), power: 10n },
      { evidence: equivocation(10), power: 10n },
    ]);
    expect(asked).toEqual([49, 10]);
    await expect(checkEvidence([], ctx)).resolves.toEqual([]);
  });

  it('refuses evidence of the including height or later', async () => {
    const { ctx } = context(50);
    expect(await refusal([equivocation(50)], ctx)).toBe('evidence of height 50 is not from the past');
    expect(await refusal([equivocation(51)], ctx)).toBe('evidence of height 51 is not from the past');
  });

  it('takes evidence exactly maxAgeBlocks old and refuses one block older', async () => {
    const { ctx } = context(150);
    await expect(checkEvidence([equivocation(50)], ctx)).resolves.toHaveLength(1);
    expect(await refusal([equivocation(49)], ctx)).toBe('evidence of height 49 is older than 100 blocks');
  });

  it('refuses the same evidence twice in one list', async () => {
    const { ctx } = context(50);
    const ev = equivocation(40);
    expect(await refusal([ev, equivocation(41), ev], ctx)).toBe(`evidence 0x${idOf(ev)} appears twice`);
  });

  it('refuses evidence against someone who was not a validator then', async () => {
    const { ctx } = context(50);
    expect(await refusal([equivocation(40, victor)], ctx)).toBe(
      `${victor.address} was not a validator at height 40`,
    );
  });

  it('refuses votes that do not prove equivocation, naming the evidence', async () => {
    const { ctx } = context(50);
    const same = equivocation(40, mallory, [BLOCK_A, BLOCK_A.toUpperCase().replace('0X', '0x') as Hex]);
    expect(await refusal([same], ctx)).toBe(`evidence 0x${idOf(same)}: votes are for the same block`);
    const forged: Evidence = {
      ...equivocation(40),
      voteB: { ...equivocation(40).voteB, blockHash: `0x${'cc'.repeat(32)}` as Hex },
    };
    expect(await refusal([forged], ctx)).toBe(`evidence 0x${idOf(forged)}: a vote signature does not verify`);
  });

  it('refuses evidence already included, and records what it proves when included', async () => {
    const state = new StateOverlay({ get: () => undefined });
    const ev = equivocation(40);
    const other = equivocation(41);
    recordEvidence(state, [ev, other], 45);
    const stored = asList(rlpDecode(state.get(stateKeys.evidence(evidenceHash(ev)))!), 'record', 3);
    expect(asSafeInt(stored[0], 'height')).toBe(40);
    expect(bytesToHex(asBytes(stored[1], 'validator', 20))).toBe(mallory.address.toLowerCase());
    expect(asSafeInt(stored[2], 'included at')).toBe(45);
    expect(state.get(stateKeys.evidence(evidenceHash(other)))).toBeDefined();

    const { ctx } = context(50, state);
    expect(await refusal([ev], ctx)).toBe(`evidence 0x${idOf(ev)} was already included`);
    await expect(checkEvidence([equivocation(42)], ctx)).resolves.toHaveLength(1);
  });

  it('dates evidence by its votes', () => {
    expect(evidenceHeight(equivocation(33))).toBe(33);
  });
});

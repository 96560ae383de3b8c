// The end of a block (state/execution/endBlock.ts) on a fresh in-memory state, as an attacker would
// probe it: the parent's hash becomes readable by the next block's transactions (the seed of
// registration's proof of possession), the block's evidence is recorded so that no later block can
// carry it again, and the staking step slashes the offender and settles the block's fees.
import { describe, expect, it } from 'vitest';
import { readBlockHash } from '../../../state/blockHashes.ts';
import { checkEvidence } from '../../../state/evidence.ts';
import { endBlock } from '../../../state/execution/endBlock.ts';
import { applyActiveSet } from '../../../state/modules/staking/activeSet.ts';
import { STAKING_ADDRESS } from '../../../state/modules/staking/index.ts';
import { writeValidators } from '../../../state/validatorSet.ts';
import { doubleVote } from '../modules/staking/endBlock/helpers.ts';
import {
  account,
  CHAIN_ID,
  CHAIN_PARAMS,
  consensusKey,
  ETH,
  StakingBench,
  TEST_PARAMS,
  TREASURY,
} from '../modules/staking/helpers.ts';

const A = account(1);
const PARENT = new Uint8Array(32).fill(0x5e);
const key = consensusKey(1);
const evidence = doubleVote(CHAIN_ID, { pubKey: key.publicKey, secretKey: key.secretKey } as never, 4);

describe('endBlock', () => {
  it('records the parent hash and the evidence, slashes the offender and settles the fees', async () => {
    const b = new StakingBench({ ...TEST_PARAMS, feesToStakersBps: 5_000 }, [A]);
    b.createValidator(A, key, 10n * ETH);
    writeValidators(b.state, applyActiveSet(b.state, [{ operator: A, power: 10n }]));
    const moduleBefore = b.balance(STAKING_ADDRESS);
    const block = {
      chainId: CHAIN_ID,
      height: 6,
      time: 0,
      params: { ...CHAIN_PARAMS, baseFeeBurnBps: 2_000 },
    };

    endBlock(b.state, block, {
      lastCommit: null,
      evidence: [{ evidence, power: 8n }],
      baseFees: 1_000n,
      tips: 7n,
      parentHash: PARENT,
    });

    expect(readBlockHash(b.state, 5)).toEqual(PARENT);
    // The evidence is on record: carrying it again in a later block makes that block invalid.
    await expect(
      checkEvidence([evidence], {
        chainId: CHAIN_ID,
        height: 7,
        maxAgeBlocks: 100,
        state: b.state,
        validatorsAt: async () => [],
      }),
    ).rejects.toThrow(/already included/);
    // The staking step ran: 5% of the offender's 8 OPEN of power slashed, it is tombstoned, and
    // of 1,000 base fees 200 are burned and 400 go to the treasury, 400 and the 7 of tips to stakers.
    expect(b.validator(A)).toMatchObject({ tombstoned: true, tokens: 10n * ETH - (8n * ETH) / 20n });
    expect(b.balance(TREASURY)).toBe(400n);
    expect(b.balance(STAKING_ADDRESS) - moduleBefore).toBe(407n - (8n * ETH) / 20n);
  });
});

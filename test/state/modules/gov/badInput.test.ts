// Every refused governance call is a failed transaction with a stable code and a reason, and
// leaves the module's state (proposals, deposits, votes, its balance, its parameters) as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAttributionParams } from '../../../../state/modules/attribution/params.ts';
import { govViews, ProposalStatus, VoteOption } from '../../../../state/modules/gov/index.ts';
import { readStakingParams } from '../../../../state/modules/staking/index.ts';
import type { TestChain } from '../../../helpers/chain.ts';
import {
  govCall,
  govState,
  OPEN,
  onlyReceipt,
  openGovChain,
  operator,
  operatorKey,
  produceTo,
  userKey,
} from './helpers.ts';

let tc: TestChain;

/** Runs one call in a block of its own; expects it refused with `code`, nothing of the module changed. */
async function refused(
  key: Uint8Array,
  fn: string,
  args: readonly unknown[],
  value: bigint,
  code: string,
  reason: RegExp,
): Promise<void> {
  const before = govState(tc);
  const attribution = readAttributionParams(tc.chain.state);
  const staking = readStakingParams(tc.chain.state);
  await govCall(tc, key, fn, args, value);
  const receipt = onlyReceipt(await tc.produce());
  expect({ status: receipt.status, code: receipt.errorCode }).toEqual({ status: 0, code });
  expect(receipt.error).toMatch(reason);
  expect(receipt.logs).toEqual([]);
  expect(govState(tc)).toEqual(before);
  expect(readAttributionParams(tc.chain.state)).toEqual(attribution);
  expect(readStakingParams(tc.chain.state)).toEqual(staking);
}

const change = (module: string, key: string, value: string) => ['change', '', [{ module, key, value }]];

beforeAll(async () => {
  tc = await openGovChain({ govParams: { maxDepositPeriodBlocks: 1_000, votingPeriodBlocks: 30 } });
  // Proposal 1 stays in its deposit period; proposal 2 is decided at height 31; proposal 3 then votes.
  await govCall(tc, userKey(1), 'submitText', ['waiting for deposits', ''], 25n * OPEN);
  await govCall(tc, userKey(2), 'submitText', ['decided soon', ''], 100n * OPEN);
  await tc.produce();
  await produceTo(tc, 31);
  expect(govViews.proposal(tc.chain.state, [2n]).status).toBe(ProposalStatus.noQuorum);
  await govCall(tc, userKey(2), 'submitText', ['voting', ''], 100n * OPEN);
  await tc.produce();
});
afterAll(() => tc?.close());

describe('refused governance calls', () => {
  it.each([
    [
      'a submission below the initial deposit',
      userKey(1),
      'submitText',
      ['t', ''],
      24n * OPEN,
      'DEPOSIT_TOO_LOW',
      /below the minimum 25000000000000000000/,
    ],
    ['a deposit of nothing', userKey(1), 'deposit', [1n], 0n, 'DEPOSIT_TOO_LOW', /needs a value/],
    [
      'a deposit on a proposal that is voting',
      userKey(1),
      'deposit',
      [3n],
      OPEN,
      'NOT_IN_DEPOSIT_PERIOD',
      /proposal 3/,
    ],
    [
      'a deposit on an unknown proposal',
      userKey(1),
      'deposit',
      [99n],
      OPEN,
      'UNKNOWN_PROPOSAL',
      /no proposal with id 99/,
    ],
    [
      'a vote on an unknown proposal',
      operatorKey(1),
      'vote',
      [99n, VoteOption.yes],
      0n,
      'UNKNOWN_PROPOSAL',
      /id 99/,
    ],
    [
      'a vote before the voting period',
      operatorKey(1),
      'vote',
      [1n, VoteOption.yes],
      0n,
      'NOT_IN_VOTING_PERIOD',
      /proposal 1/,
    ],
    [
      'a vote after the voting period',
      operatorKey(1),
      'vote',
      [2n, VoteOption.yes],
      0n,
      'NOT_IN_VOTING_PERIOD',
      /proposal 2/,
    ],
    [
      'a vote by an account without stake',
      userKey(1),
      'vote',
      [3n, VoteOption.yes],
      0n,
      'NO_STAKE',
      /no stake/,
    ],
    ['a vote with an unknown option', operatorKey(1), 'vote', [3n, 5], 0n, 'INVALID_OPTION', /option 5/],
    [
      'a vote with value',
      operatorKey(1),
      'vote',
      [3n, VoteOption.yes],
      1n,
      'UNEXPECTED_VALUE',
      /not payable/,
    ],
    [
      'a change of an unknown module',
      userKey(1),
      'submitParamChange',
      change('bank', 'fee', '1'),
      100n * OPEN,
      'UNKNOWN_MODULE',
      /unknown module "bank"/,
    ],
    [
      'a change of an unknown key',
      userKey(1),
      'submitParamChange',
      change('attribution', 'minShare', '1'),
      100n * OPEN,
      'UNKNOWN_PARAM',
      /no parameter "minShare"/,
    ],
    [
      'a number given as a word',
      userKey(1),
      'submitParamChange',
      change('attribution', 'minContributorsBps', 'lots'),
      100n * OPEN,
      'WRONG_VALUE_TYPE',
      /uint16: expected a decimal integer/,
    ],
    [
      'a bool given as a number',
      userKey(1),
      'submitParamChange',
      change('staking', 'slashToTreasury', '1'),
      100n * OPEN,
      'WRONG_VALUE_TYPE',
      /expected true or false/,
    ],
    [
      'a split minimum above its bound',
      userKey(1),
      'submitParamChange',
      change('attribution', 'minContributorsBps', '6000'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /above its maximum 5000/,
    ],
    [
      'an empty validator set (halts the chain)',
      userKey(1),
      'submitParamChange',
      change('staking', 'maxValidators', '0'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /maxValidators is 0, below its minimum 1/,
    ],
    [
      'an unbonding shorter than the evidence age',
      userKey(1),
      'submitParamChange',
      change('staking', 'unbondingBlocks', '19'),
      100n * OPEN,
      'UNSAFE_PARAMS',
      /escape slashing/,
    ],
    [
      'no changes',
      userKey(1),
      'submitParamChange',
      ['nothing', '', []],
      100n * OPEN,
      'NO_CHANGES',
      /at least one change/,
    ],
    [
      'the same key twice',
      userKey(1),
      'submitParamChange',
      [
        'twice',
        '',
        [
          { module: 'gov', key: 'quorumBps', value: '4000' },
          { module: 'gov', key: 'quorumBps', value: '5000' },
        ],
      ],
      100n * OPEN,
      'DUPLICATE_CHANGE',
      /gov.quorumBps is changed twice/,
    ],
    [
      'an empty title',
      userKey(1),
      'submitText',
      ['', ''],
      100n * OPEN,
      'INVALID_ARGUMENT',
      /title must not be empty/,
    ],
    [
      'a treasury spend of nothing',
      userKey(1),
      'submitTreasurySpend',
      ['t', '', '0x00000000000000000000000000000000000bee01', 0n],
      100n * OPEN,
      'INVALID_ARGUMENT',
      /positive amount/,
    ],
  ])('%s', (_name, key, fn, args, value, code, reason) => refused(key, fn, args, value, code, reason));

  it('a second vote replaces the first', async () => {
    await govCall(tc, operatorKey(1), 'vote', [3n, VoteOption.yes]);
    await tc.produce();
    await govCall(tc, operatorKey(1), 'vote', [3n, VoteOption.no]);
    expect(onlyReceipt(await tc.produce()).status).toBe(1);
    expect(govViews.votes(tc.chain.state, [3n])).toEqual([{ voter: operator(1), option: VoteOption.no }]);
    expect(govViews.proposal(tc.chain.state, [3n]).voters).toBe(1);
    expect(govViews.tally(tc.chain.state, [3n])).toMatchObject({ yes: 0n, no: 10n * OPEN });
  });
});

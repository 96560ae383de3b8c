// Every refused governance call is a failed transaction with a stable code and a reason, and
// leaves the module's state (proposals, deposits, votes, its balance, its parameters) as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAttributionParams } from '../../../../state/modules/attribution/params.ts';
import { govViews, ProposalStatus, VoteOption } from '../../../../state/modules/gov/index.ts';
import { readStakingParams } from '../../../../state/modules/staking/index.ts';
import { readParams } from '../../../../state/params.ts';
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
  const chain = readParams(tc.chain.state);
  await govCall(tc, key, fn, args, value);
  const receipt = onlyReceipt(await tc.produce());
  expect({ status: receipt.status, code: receipt.errorCode }).toEqual({ status: 0, code });
  expect(receipt.error).toMatch(reason);
  expect(receipt.logs).toEqual([]);
  expect(govState(tc)).toEqual(before);
  expect(readAttributionParams(tc.chain.state)).toEqual(attribution);
  expect(readStakingParams(tc.chain.state)).toEqual(staking);
  expect(readParams(tc.chain.state)).toEqual(chain);
}

const change = (module: string, key: string, value: string) => ['change', '', [{ module, key, value }]];

beforeAll(async () => {
  tc = await openGovChain({ govParams: { maxDepositPeriodBlocks: 1_000, votingPeriodBlocks: 60 } });
  // Proposal 1 stays in its deposit period; proposal 2 is decided at height 61; proposal 3 then votes.
  await govCall(tc, userKey(1), 'submitText', ['waiting for deposits', ''], 25n * OPEN);
  await govCall(tc, userKey(2), 'submitText', ['decided soon', ''], 100n * OPEN);
  await tc.produce();
  await produceTo(tc, 61);
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
      'a block gas limit below one transfer',
      userKey(1),
      'submitParamChange',
      change('chain', 'blockGasLimit', '20999'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /blockGasLimit is 20999, below its minimum 21000/,
    ],
    [
      'a block gas limit below one transaction of maxTxBytes',
      userKey(1),
      'submitParamChange',
      change('chain', 'blockGasLimit', '1000000'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /blockGasLimit: 1000000 is below one transaction: a transaction of maxTxBytes \(131072\) bytes may need 13783560 gas/,
    ],
    [
      'a block gas limit above uint64',
      userKey(1),
      'submitParamChange',
      change('chain', 'blockGasLimit', '18446744073709551616'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /above its maximum 18446744073709551615/,
    ],
    [
      'a transaction size below the smallest',
      userKey(1),
      'submitParamChange',
      change('chain', 'maxTxBytes', '127'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /maxTxBytes is 127, below its minimum 128/,
    ],
    [
      'a transaction size gossip cannot carry',
      userKey(1),
      'submitParamChange',
      change('chain', 'maxTxBytes', '3145729'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /above its maximum 3145728: a transaction must fit one gossip message/,
    ],
    [
      'a block budget below one transaction',
      userKey(1),
      'submitParamChange',
      change('chain', 'maxBlockTxBytes', '131071'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /maxBlockTxBytes: 131071 is below maxTxBytes \(131072\)/,
    ],
    [
      'a block budget the WAL cannot hold',
      userKey(1),
      'submitParamChange',
      change('chain', 'maxBlockTxBytes', '50331649'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /above its maximum 50331648: a block must fit one record of the consensus WAL/,
    ],
    [
      'a base fee above uint256',
      userKey(1),
      'submitParamChange',
      change(
        'chain',
        'minBaseFee',
        '115792089237316195423570985008687907853269984665640564039457584007913129639936',
      ),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /minBaseFee is \d+, above its maximum/,
    ],
    [
      'a zero base fee change denominator',
      userKey(1),
      'submitParamChange',
      change('chain', 'baseFeeChangeDenominator', '0'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /baseFeeChangeDenominator is 0, below its minimum 1/,
    ],
    [
      'an elasticity below 1',
      userKey(1),
      'submitParamChange',
      change('chain', 'elasticityMultiplier', '0'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /elasticityMultiplier is 0, below its minimum 1/,
    ],
    [
      'a burn share above 100%',
      userKey(1),
      'submitParamChange',
      change('chain', 'baseFeeBurnBps', '10001'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /baseFeeBurnBps is 10001, above its maximum 10000/,
    ],
    [
      'an evidence age of 0',
      userKey(1),
      'submitParamChange',
      change('chain', 'evidenceMaxAgeBlocks', '0'),
      100n * OPEN,
      'PARAM_OUT_OF_BOUNDS',
      /evidenceMaxAgeBlocks is 0, below its minimum 1/,
    ],
    [
      'evidence that outlives the unbonding period',
      userKey(1),
      'submitParamChange',
      change('chain', 'evidenceMaxAgeBlocks', '21'),
      100n * OPEN,
      'UNSAFE_PARAMS',
      /staking.unbondingBlocks \(20\) must be at least chain.evidenceMaxAgeBlocks \(21\)/,
    ],
    [
      'a treasury that is not an address',
      userKey(1),
      'submitParamChange',
      change('chain', 'treasury', '0x1234'),
      100n * OPEN,
      'WRONG_VALUE_TYPE',
      /chain.treasury is an address: expected a 0x-prefixed 20-byte hex address/,
    ],
    [
      'a treasury with a wrong checksum',
      userKey(1),
      'submitParamChange',
      change('chain', 'treasury', '0x00000000000000000000000000000000000bEE01'),
      100n * OPEN,
      'WRONG_VALUE_TYPE',
      /lower case or EIP-55 checksummed, got "0x00000000000000000000000000000000000bEE01"/,
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

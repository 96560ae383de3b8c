// Every refusal of delegate, undelegate, redelegate and withdrawRewards carries its stable code (a
// receipt shows only the message; the CLI and tools branch on the code), and the entry bookkeeping
// those calls leave behind: a settled reward's event, the pair limit, entries completing one by one.
import { describe, expect, it } from 'vitest';
import { allocateReward } from '../../../../state/modules/staking/rewards.ts';
import { tombstoneValidator } from '../../../../state/modules/staking/slashing.ts';
import { account, consensusKey, ETH, StakingBench } from './helpers.ts';

const [A, B, C] = [1, 2, 3].map(account) as [`0x${string}`, `0x${string}`, `0x${string}`];
const D = account(9);

function bench(): StakingBench {
  const b = new StakingBench(undefined, [A, B, C, D]);
  for (const [i, op] of [A, B, C].entries()) b.createValidator(op, consensusKey(i + 1), 10n * ETH);
  return b;
}

describe('delegation refusal codes', () => {
  it('names each refusal', () => {
    const b = bench();
    expect(b.codeOf(D, 'delegate', [A])).toBe('INVALID_ARGUMENT');
    expect(b.codeOf(D, 'undelegate', [A, ETH])).toBe('NO_DELEGATION');
    expect(b.codeOf(D, 'withdrawRewards', [A])).toBe('NO_DELEGATION');
    expect(b.codeOf(D, 'redelegate', [A, A, ETH])).toBe('SELF_REDELEGATION');
    b.send(D, 'delegate', [A], 2n * ETH);
    expect(b.codeOf(D, 'undelegate', [A, 0n])).toBe('INVALID_ARGUMENT');
    expect(b.codeOf(D, 'undelegate', [A, 2n * ETH + 1n])).toBe('INSUFFICIENT_DELEGATION');
    b.send(D, 'redelegate', [A, B, ETH]);
    expect(b.codeOf(D, 'redelegate', [B, C, ETH])).toBe('REDELEGATION_CHAIN');
    tombstoneValidator(b.state, C);
    expect(b.codeOf(D, 'delegate', [C], ETH)).toBe('VALIDATOR_TOMBSTONED');
  });

  it('limits maturing entries per pair, and names the limit', () => {
    const b = bench();
    b.send(D, 'delegate', [A], 10n * ETH);
    // TEST_PARAMS.maxEntries is 3: three redelegations from A to B fill that pair.
    for (let i = 0; i < 3; i++) b.send(D, 'redelegate', [A, B, ETH]);
    expect(b.codeOf(D, 'redelegate', [A, B, ETH])).toBe('TOO_MANY_ENTRIES');
    // Another source into the same target, or the same source into another target, is another pair.
    b.send(D, 'delegate', [C], ETH);
    b.send(D, 'redelegate', [C, B, ETH / 2n]);
    b.send(D, 'redelegate', [A, C, ETH]);
    for (let i = 0; i < 3; i++) b.send(D, 'undelegate', [A, ETH / 10n]);
    expect(b.codeOf(D, 'undelegate', [A, ETH / 10n])).toBe('TOO_MANY_ENTRIES');
  });
});

describe('undelegate', () => {
  it('reports the rewards it settles', () => {
    const b = bench();
    b.send(D, 'delegate', [A], 10n * ETH);
    allocateReward(b.state, A, 1_000n);
    const out = b.send(D, 'undelegate', [A, ETH]);
    // 10% commission; the remaining 900 split over 20 ETH of shares, half of them D's.
    expect(out.events.map((e) => e.eventName)).toEqual(['RewardsWithdrawn', 'Undelegated']);
    expect(out.events[0]!.args).toMatchObject({ validator: expect.any(String), amount: 450n });
  });

  it('completes entries one by one, keeping the ones still maturing', () => {
    const b = bench();
    b.send(D, 'delegate', [A], 4n * ETH);
    b.send(D, 'undelegate', [A, ETH]);
    b.endBlock();
    b.send(D, 'undelegate', [A, 2n * ETH]);
    const balances = () => (b.view('unbondings', [D]) as { balance: bigint }[]).map((u) => u.balance);
    expect(balances()).toEqual([ETH, 2n * ETH]);
    // unbondingBlocks is 10: the first completes at the end of block 11, the second one block later.
    b.advance(10);
    expect(balances()).toEqual([2n * ETH]);
    b.advance(1);
    expect(balances()).toEqual([]);
  });
});

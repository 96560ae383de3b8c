// Who may record a model's inferences and how its attribution bond is posted, unlocked and withdrawn
// (state/modules/attribution/operators.ts), on a fresh state per test. The attacker's questions:
// can anyone but the owner authorize a recorder; can a recorder record below the minimum bond or
// while leaving; can it leave earlier than the window of its last record, or twice, or take out
// more than it holds.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import { isOperator, readAttributionBond } from '../../../../state/modules/attribution/escrowRecords.ts';
import { GAS } from '../../../../state/modules/attribution/gas.ts';
import {
  postAttributionBond,
  requireRecorder,
  setOperator,
  unlockAttributionBond,
  withdrawAttributionBond,
} from '../../../../state/modules/attribution/operators.ts';
import { requireModel } from '../../../../state/modules/attribution/store.ts';
import { DirectCalls, OWNER, refusal as refused } from './directCall.ts';
import { TEST_ATTRIBUTION_PARAMS } from './helpers.ts';

const OPERATOR: Address = '0x00000000000000000000000000000000000000b0';
const STRANGER: Address = '0x00000000000000000000000000000000000000c0';
const MIN = 100n;
const WINDOW = 12;

/** Model 1 of OWNER; bonds of at least MIN; a challenge window of WINDOW blocks. */
function world() {
  const w = new DirectCalls();
  w.params = { ...TEST_ATTRIBUTION_PARAMS, minAttributionBond: MIN, challengeWindowBlocks: WINDOW };
  w.model();
  return w;
}

/** Posts `amount` from `from`, moving it into the module account as the transaction would. */
function post(w: DirectCalls, from: Address, amount: bigint): void {
  w.fund(ATTRIBUTION_ADDRESS, amount);
  postAttributionBond(w.call(from, amount), 1n);
}

const bond = (w: DirectCalls, who: Address) => readAttributionBond(w.state, 1n, who);
const mayRecord = (w: DirectCalls, who: Address) =>
  requireRecorder(w.call(who), 1n, requireModel(w.state, 1n));

describe('setOperator', () => {
  it('lets only the model’s owner authorize and remove a recorder', () => {
    const w = world();
    expect(refused(() => setOperator(w.call(STRANGER), 1n, STRANGER, true))).toEqual({
      code: 'NOT_AUTHORIZED',
      message: `setOperator: only the owner of model 1 (${OWNER}) may authorize operators`,
    });
    expect(refused(() => setOperator(w.call(OWNER, 1n), 1n, OPERATOR, true)).code).toBe('UNEXPECTED_VALUE');
    expect(refused(() => setOperator(w.call(OWNER), 2n, OPERATOR, true)).code).toBe('UNKNOWN_MODEL');
    expect(isOperator(w.state, 1n, STRANGER)).toBe(false);

    setOperator(w.call(OWNER), 1n, OPERATOR, true);
    expect(isOperator(w.state, 1n, OPERATOR)).toBe(true);
    setOperator(w.call(OWNER), 1n, OPERATOR, false);
    expect(isOperator(w.state, 1n, OPERATOR)).toBe(false);
    expect(w.events().map((e) => [e.eventName, e.args.allowed])).toEqual([
      ['OperatorSet', true],
      ['OperatorSet', false],
    ]);
  });
});

describe('requireRecorder', () => {
  it('takes the owner or an authorized operator holding at least the minimum bond, not unlocking', () => {
    const w = world();
    expect(refused(() => mayRecord(w, STRANGER))).toEqual({
      code: 'NOT_AUTHORIZED',
      message: `recordInference: ${STRANGER} is neither the owner of model 1 nor an operator it authorized`,
    });
    // Bonded but not authorized: still refused.
    post(w, STRANGER, MIN);
    expect(refused(() => mayRecord(w, STRANGER)).code).toBe('NOT_AUTHORIZED');

    setOperator(w.call(OWNER), 1n, OPERATOR, true);
    post(w, OPERATOR, MIN - 1n);
    expect(refused(() => mayRecord(w, OPERATOR))).toEqual({
      code: 'BOND_TOO_LOW',
      message: `recordInference: ${OPERATOR} holds a bond of 99 for model 1, needs at least 100 (postAttributionBond)`,
    });
    post(w, OPERATOR, 1n);
    mayRecord(w, OPERATOR); // exactly the minimum

    // The owner needs a bond too.
    expect(refused(() => mayRecord(w, OWNER)).code).toBe('BOND_TOO_LOW');
    post(w, OWNER, MIN);
    mayRecord(w, OWNER);

    unlockAttributionBond(w.call(OPERATOR), 1n);
    expect(refused(() => mayRecord(w, OPERATOR))).toEqual({
      code: 'BOND_TOO_LOW',
      message: `recordInference: ${OPERATOR} holds an unlocking bond of 100 for model 1, needs at least 100 (postAttributionBond)`,
    });
    // Removed from the operators, a bonded recorder may not record either.
    setOperator(w.call(OWNER), 1n, OPERATOR, false);
    post(w, OPERATOR, MIN);
    expect(refused(() => mayRecord(w, OPERATOR)).code).toBe('NOT_AUTHORIZED');
  });
});

describe('attribution bonds', () => {
  it('refuses a bond of nothing, adds up posts, and a post cancels a pending withdrawal', () => {
    const w = world();
    expect(refused(() => postAttributionBond(w.call(OPERATOR, 0n), 1n))).toEqual({
      code: 'WRONG_BOND',
      message: 'postAttributionBond: send the bond as the value, got 0',
    });
    expect(refused(() => postAttributionBond(w.call(OPERATOR, 5n), 2n)).code).toBe('UNKNOWN_MODEL');
    post(w, OPERATOR, 30n);
    post(w, OPERATOR, 70n);
    expect(bond(w, OPERATOR)).toEqual({ amount: 100n, withdrawableAt: 0 });
    expect(w.events().map((e) => [e.eventName, e.args.amount, e.args.total])).toEqual([
      ['AttributionBondPosted', 30n, 30n],
      ['AttributionBondPosted', 70n, 100n],
    ]);
    unlockAttributionBond(w.call(OPERATOR), 1n);
    post(w, OPERATOR, 1n);
    expect(bond(w, OPERATOR)).toEqual({ amount: 101n, withdrawableAt: 0 });
  });

  it('unlocks once, past the window of every record made so far, and withdraws from then on', () => {
    const w = world();
    expect(refused(() => unlockAttributionBond(w.call(OPERATOR), 1n))).toEqual({
      code: 'WRONG_STATUS',
      message: `unlockAttributionBond: ${OPERATOR} holds no attribution bond for model 1`,
    });
    post(w, OPERATOR, MIN);
    expect(refused(() => withdrawAttributionBond(w.call(OPERATOR), 1n))).toEqual({
      code: 'BOND_LOCKED',
      message: 'withdrawAttributionBond: the bond for model 1 is locked: call unlockAttributionBond first',
    });
    expect(refused(() => unlockAttributionBond(w.call(OPERATOR, 1n), 1n)).code).toBe('UNEXPECTED_VALUE');
    w.height = 20;
    unlockAttributionBond(w.call(OPERATOR), 1n);
    // A record of this block closes its window at 20 + WINDOW; the bond is free only after it.
    const at = 20 + WINDOW + 1;
    expect(bond(w, OPERATOR)).toEqual({ amount: MIN, withdrawableAt: at });
    expect(w.events().at(-1)).toMatchObject({
      eventName: 'AttributionBondUnlocked',
      args: { modelId: 1n, withdrawableAt: BigInt(at) },
    });
    // A second unlock later cannot move the date.
    w.height = 30;
    expect(refused(() => unlockAttributionBond(w.call(OPERATOR), 1n))).toEqual({
      code: 'WRONG_STATUS',
      message: `unlockAttributionBond: the bond is already unlocking (withdrawable at height ${at})`,
    });
    w.height = at - 1;
    expect(refused(() => withdrawAttributionBond(w.call(OPERATOR), 1n))).toEqual({
      code: 'BOND_LOCKED',
      message: `withdrawAttributionBond: the bond for model 1 is locked: it may be withdrawn from height ${at}, after the challenge window of its last record`,
    });
    expect(refused(() => withdrawAttributionBond(w.call(OPERATOR, 1n), 1n)).code).toBe('UNEXPECTED_VALUE');

    w.height = at;
    w.gas = 0n;
    withdrawAttributionBond(w.call(OPERATOR), 1n);
    expect(w.balance(OPERATOR)).toBe(MIN);
    expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(0n);
    expect(w.gas).toBe(2n * (GAS.read + GAS.write) + GAS.log);
    expect(bond(w, OPERATOR)).toEqual({ amount: 0n, withdrawableAt: 0 });
    expect(w.events().at(-1)).toMatchObject({ eventName: 'AttributionBondWithdrawn', args: { amount: MIN } });
    // Nothing is left to take twice.
    expect(refused(() => withdrawAttributionBond(w.call(OPERATOR), 1n)).code).toBe('WRONG_STATUS');
    expect(w.balance(OPERATOR)).toBe(MIN);
  });
});

// What one transaction does to the state (state/execution/executeTx.ts), to the wei: a plain
// transfer pays exactly its intrinsic gas, a module call pays what it used and gets the rest of its
// gas back, a failing call keeps the fee and the nonce bump but loses its own writes, and an
// invalid transaction changes nothing.
import { describe, expect, it } from 'vitest';
import { executeTx, runCall, type TxEnv } from '../../../state/execution/executeTx.ts';
import { InvalidTxError } from '../../../state/execution/txValidity.ts';
import {
  balanceOf,
  block,
  fundedState,
  GWEI,
  MARKER_KEY,
  MODULE,
  moduleCall,
  modules,
  nonceOf,
  PLAIN,
  TOPIC,
  testAccount,
  tx,
} from './helpers.ts';

const alice = testAccount(2);
const FUNDS = 10n ** 18n;
// Base fee 2 gwei, tip 1 gwei, max fee 3 gwei: every EIP-1559 test tx pays 3 gwei per gas.
const env: TxEnv = { block, baseFee: 2n * GWEI, modules };
const PRICE = 3n * GWEI;

describe('executeTx', () => {
  it('charges a plain transfer exactly 21,000 gas and moves the value', () => {
    const state = fundedState([[alice.address, FUNDS]]);
    const outcome = executeTx(
      state,
      env,
      tx(alice, { value: 1_000n, gasLimit: 50_000n }),
      alice.address,
      100_000n,
    );
    expect(outcome).toEqual({
      status: 1,
      gasUsed: 21_000n,
      logs: [],
      error: '',
      errorCode: '',
      effectiveGasPrice: PRICE,
    });
    expect(balanceOf(state, alice.address)).toBe(FUNDS - 21_000n * PRICE - 1_000n);
    expect(nonceOf(state, alice.address)).toBe(1n);
    expect(balanceOf(state, PLAIN)).toBe(1_000n);
  });

  it('prices by base fee plus tip, capped at the max fee, and a legacy tx by its gas price', () => {
    const state = fundedState([[alice.address, FUNDS]]);
    const cheap = executeTx(state, { ...env, baseFee: GWEI }, tx(alice), alice.address, 100_000n);
    expect(cheap.effectiveGasPrice).toBe(2n * GWEI);
    const legacy = executeTx(
      state,
      env,
      tx(alice, { type: 0, nonce: 1n, gasPrice: 5n * GWEI }),
      alice.address,
      100_000n,
    );
    expect(legacy.effectiveGasPrice).toBe(5n * GWEI);
    expect(balanceOf(state, alice.address)).toBe(FUNDS - 21_000n * 2n * GWEI - 21_000n * 5n * GWEI);
  });

  it('charges a module call its intrinsic gas plus what the module used, and refunds the rest', () => {
    const state = fundedState([[alice.address, FUNDS]]);
    // Intrinsic 21,000 + 3 calldata bytes (2 zero: 8, 1 non-zero: 16) = 21,024; the module uses 5,000.
    const t = tx(alice, { to: MODULE, data: moduleCall(5, 0), value: 7n, gasLimit: 90_000n });
    const outcome = executeTx(state, env, t, alice.address, 100_000n);
    expect(outcome.status).toBe(1);
    expect(outcome.gasUsed).toBe(26_024n);
    expect(outcome).toMatchObject({ error: '', errorCode: '' });
    expect(outcome.logs).toEqual([{ address: MODULE, topics: [TOPIC], data: Uint8Array.of(0, 5) }]);
    expect(balanceOf(state, alice.address)).toBe(FUNDS - 26_024n * PRICE - 7n);
    expect(balanceOf(state, MODULE)).toBe(7n);
    expect(nonceOf(state, alice.address)).toBe(1n);
    expect(state.get(MARKER_KEY)).toEqual(Uint8Array.of(1));
  });

  it('reverts a failing call’s writes and value but keeps its fee and nonce bump', () => {
    const state = fundedState([[alice.address, FUNDS]]);
    // Intrinsic 21,036 (1 zero, 2 non-zero calldata bytes) + 5,000 used before failing.
    const t = tx(alice, { to: MODULE, data: moduleCall(5, 1), value: 7n, gasLimit: 90_000n });
    const outcome = executeTx(state, env, t, alice.address, 100_000n);
    expect(outcome).toEqual({
      status: 0,
      gasUsed: 26_036n,
      logs: [],
      error: 'the test module was asked to fail',
      errorCode: 'TEST_FAILURE',
      effectiveGasPrice: PRICE,
    });
    expect(balanceOf(state, alice.address)).toBe(FUNDS - 26_036n * PRICE);
    expect(balanceOf(state, MODULE)).toBe(0n);
    expect(nonceOf(state, alice.address)).toBe(1n);
    expect(state.get(MARKER_KEY)).toBeUndefined();
  });

  it('charges the whole gas limit when the call runs out of gas', () => {
    const state = fundedState([[alice.address, FUNDS]]);
    // 21,024 intrinsic + 5,000 > 26,023.
    const t = tx(alice, { to: MODULE, data: moduleCall(5, 0), gasLimit: 26_023n });
    const outcome = executeTx(state, env, t, alice.address, 100_000n);
    expect(outcome.status).toBe(0);
    expect(outcome.gasUsed).toBe(26_023n);
    expect(outcome).toMatchObject({
      error: 'out of gas: gas limit 26023 exhausted',
      errorCode: 'OUT_OF_GAS',
    });
    expect(balanceOf(state, alice.address)).toBe(FUNDS - 26_023n * PRICE);
    expect(state.get(MARKER_KEY)).toBeUndefined();
    // Exactly enough gas succeeds, with nothing to refund.
    const exact = tx(alice, { nonce: 1n, to: MODULE, data: moduleCall(5, 0), gasLimit: 26_024n });
    expect(executeTx(state, env, exact, alice.address, 100_000n).status).toBe(1);
    expect(balanceOf(state, alice.address)).toBe(FUNDS - 26_023n * PRICE - 26_024n * PRICE);
  });

  it('lets a bug in a module escape instead of recording it as a failed call', () => {
    const state = fundedState([[alice.address, FUNDS]]);
    const t = tx(alice, { to: MODULE, data: moduleCall(0, 2), gasLimit: 90_000n });
    expect(() => executeTx(state, env, t, alice.address, 100_000n)).toThrow('a bug in a module');
  });

  it('refuses an invalid transaction without touching the state', () => {
    const state = fundedState([[alice.address, FUNDS]]);
    const before = state.changes();
    expect(() => executeTx(state, env, tx(alice, { nonce: 1n }), alice.address, 100_000n)).toThrow(
      InvalidTxError,
    );
    expect(() => executeTx(state, env, tx(alice), alice.address, 20_999n)).toThrow(/block gas exhausted/);
    expect(state.changes()).toEqual(before);
  });
});

describe('runCall', () => {
  it('fails a value transfer the sender cannot cover, keeping the gas used so far', () => {
    const state = fundedState([[alice.address, 5n]]);
    const outcome = runCall(state, env, {
      from: alice.address,
      to: MODULE,
      value: 6n,
      data: moduleCall(1, 0),
      gasLimit: 50_000n,
      gasUsedBefore: 21_000n,
    });
    expect(outcome.status).toBe(0);
    expect(outcome.gasUsed).toBe(21_000n);
    expect(outcome).toMatchObject({
      error: expect.stringMatching(/^insufficient balance/),
      errorCode: 'INSUFFICIENT_BALANCE',
    });
    expect(balanceOf(state, alice.address)).toBe(5n);
    expect(state.get(MARKER_KEY)).toBeUndefined();
  });
});

// eth_call and eth_estimateGas underneath (state/execution/simulate.ts): a call's outcome and gas as
// a transaction would have them, intrinsic gas (access list included) charged first, nothing
// written to the state it ran against.
import { describe, expect, it } from 'vitest';
import { simulateCall } from '../../../state/execution/simulate.ts';
import {
  balanceOf,
  block,
  fundedState,
  MARKER_KEY,
  MODULE,
  moduleCall,
  modules,
  PLAIN,
  TOPIC,
  testAccount,
} from './helpers.ts';

const alice = testAccount(5);
const KEY = `0x${'22'.repeat(32)}` as const;

describe('simulateCall', () => {
  it('reports the gas and logs a transaction would have, and writes nothing', () => {
    const state = fundedState([[alice.address, 100n]]);
    const before = state.changes();
    const outcome = simulateCall(state, block, modules, {
      from: alice.address,
      to: MODULE,
      value: 9n,
      data: moduleCall(4, 0),
      gasLimit: 100_000n,
      accessList: [{ address: MODULE, storageKeys: [KEY, KEY] }],
    });
    // 21,000 + 8 + 16 calldata + 2,400 + 2 × 1,900 access list + 4,000 used by the module.
    expect(outcome).toEqual({
      status: 1,
      gasUsed: 31_224n,
      logs: [{ address: MODULE, topics: [TOPIC], data: Uint8Array.of(0, 4) }],
      error: '',
      errorCode: '',
    });
    expect(state.changes()).toEqual(before);
    expect(state.get(MARKER_KEY)).toBeUndefined();
    expect(balanceOf(state, alice.address)).toBe(100n);
  });

  it('runs with exactly the intrinsic gas and fails below it without running the call', () => {
    const state = fundedState([[alice.address, 100n]]);
    const call = { from: alice.address, to: MODULE, value: 0n, data: moduleCall(0, 0), accessList: [] };
    expect(simulateCall(state, block, modules, { ...call, gasLimit: 21_012n })).toMatchObject({
      status: 1,
      gasUsed: 21_012n, // three zero calldata bytes, and the module used none
    });
    expect(simulateCall(state, block, modules, { ...call, gasLimit: 21_011n })).toEqual({
      status: 0,
      gasUsed: 21_011n,
      logs: [],
      error: 'intrinsic gas too low: needs 21012',
      errorCode: 'INTRINSIC_GAS',
    });
  });

  it('simulates a plain transfer at 21,000 gas', () => {
    const state = fundedState([[alice.address, 100n]]);
    const outcome = simulateCall(state, block, modules, {
      from: alice.address,
      to: PLAIN,
      value: 60n,
      data: new Uint8Array(),
      gasLimit: 30_000n,
      accessList: [],
    });
    expect(outcome).toEqual({ status: 1, gasUsed: 21_000n, logs: [], error: '', errorCode: '' });
    expect(balanceOf(state, PLAIN)).toBe(0n);
  });

  it('reports a failing call with its code and reason', () => {
    const state = fundedState([[alice.address, 100n]]);
    const outcome = simulateCall(state, block, modules, {
      from: alice.address,
      to: MODULE,
      value: 0n,
      data: moduleCall(2, 1),
      gasLimit: 100_000n,
      accessList: [],
    });
    expect(outcome).toEqual({
      status: 0,
      gasUsed: 23_036n,
      logs: [],
      error: 'the test module was asked to fail',
      errorCode: 'TEST_FAILURE',
    });
  });
});

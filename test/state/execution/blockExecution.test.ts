// A block's transactions executed together (state/execution/executeBlock.ts): what the proposer
// leaves out and what makes a proposal invalid, the receipts' running totals and log indexes, the
// block bloom, and the fee totals it hands to the end-of-block step (which settles them:
// test/state/modules/staking/endBlock/).
import { describe, expect, it } from 'vitest';
import { BLOOM_BYTES, bloomForLogs } from '../../../core/bloom.ts';
import { type BlockEnv, executeBlock, InvalidBlockError } from '../../../state/execution/executeBlock.ts';
import {
  balanceOf,
  block,
  fundedState,
  GWEI,
  MODULE,
  moduleCall,
  modules,
  PROPOSER,
  TOPIC,
  TREASURY,
  testAccount,
  tx,
} from './helpers.ts';

const alice = testAccount(3);
const bob = testAccount(4);
const FUNDS = 10n ** 18n;
const env: BlockEnv = { block, baseFee: 2n * GWEI, modules, gasLimit: 1_000_000n };
const funded = () =>
  fundedState([
    [alice.address, FUNDS],
    [bob.address, FUNDS],
  ]);

// Each module call has 3 calldata bytes; gas = 21,000 + calldata + module gas.
const aliceCall = tx(alice, { to: MODULE, data: moduleCall(1, 0), gasLimit: 90_000n }); // 21,024 + 1,000
const bobCall = tx(bob, { to: MODULE, data: moduleCall(2, 0), gasLimit: 90_000n }); // 21,024 + 2,000
const aliceFuture = tx(alice, { nonce: 5n });
const aliceFails = tx(alice, { nonce: 1n, to: MODULE, data: moduleCall(3, 1), gasLimit: 90_000n }); // 21,036 + 3,000
const items = [
  { tx: aliceCall, sender: alice.address },
  { tx: bobCall, sender: bob.address },
  { tx: aliceFuture, sender: alice.address },
  { tx: aliceFails, sender: alice.address },
];
const GAS = [22_024n, 23_024n, 24_036n];
const TOTAL = 69_084n;

describe('executeBlock', () => {
  it('builds a block of the valid transactions, skipping the rest with their reason', () => {
    const run = executeBlock(funded(), env, items, 'build');
    expect(run.included.map((i) => i.tx.hash)).toEqual([aliceCall.hash, bobCall.hash, aliceFails.hash]);
    expect(run.skipped.map((s) => [s.item.tx.hash, s.error.code])).toEqual([
      [aliceFuture.hash, 'NONCE_TOO_HIGH'],
    ]);
    expect(run.gasUsed).toBe(TOTAL);
    expect(run.receipts.map((r) => [r.status, r.gasUsed, r.cumulativeGasUsed, r.firstLogIndex])).toEqual([
      [1, GAS[0], GAS[0], 0],
      [1, GAS[1], GAS[0]! + GAS[1]!, 1],
      [0, GAS[2], TOTAL, 2],
    ]);
    expect(run.receipts.map((r) => [r.from, r.effectiveGasPrice, r.error])).toEqual([
      [alice.address, 3n * GWEI, ''],
      [bob.address, 3n * GWEI, ''],
      [alice.address, 3n * GWEI, 'the test module was asked to fail'],
    ]);
    expect(run.receipts[1]!.logs).toEqual([{ address: MODULE, topics: [TOPIC], data: Uint8Array.of(0, 2) }]);
    expect(run.logsBloom).toEqual(bloomForLogs([...run.receipts[0]!.logs, ...run.receipts[1]!.logs]));
  });

  it('totals the base fees and the tips it took, crediting them to nobody (the end of the block settles them)', () => {
    const run = executeBlock(funded(), env, items, 'build');
    expect(run.baseFees).toBe(TOTAL * 2n * GWEI);
    expect(run.tips).toBe(TOTAL * GWEI);
    expect(balanceOf(run.state, TREASURY)).toBe(0n);
    expect(balanceOf(run.state, PROPOSER)).toBe(0n);
    expect(balanceOf(run.state, alice.address)).toBe(FUNDS - (GAS[0]! + GAS[2]!) * 3n * GWEI);
    expect(balanceOf(run.state, bob.address)).toBe(FUNDS - GAS[1]! * 3n * GWEI);
  });

  it('has an empty bloom when no transaction logged anything', () => {
    const run = executeBlock(funded(), env, [{ tx: tx(alice), sender: alice.address }], 'build');
    expect(run.logsBloom).toEqual(new Uint8Array(BLOOM_BYTES));
    expect(run.receipts[0]!.logs).toEqual([]);
  });

  it('rejects a proposal holding an invalid transaction, naming it', () => {
    expect(() => executeBlock(funded(), env, items, 'verify')).toThrow(InvalidBlockError);
    expect(() => executeBlock(funded(), env, items, 'verify')).toThrow(
      expect.objectContaining({ code: 'INVALID_BLOCK' }),
    );
    expect(() => executeBlock(funded(), env, items, 'verify')).toThrow(
      `transaction ${aliceFuture.hash} (#2) is invalid: nonce too high: next nonce 1, tx nonce 5`,
    );
    const valid = items.filter((i) => i.tx !== aliceFuture);
    const run = executeBlock(funded(), env, valid, 'verify');
    expect(run.gasUsed).toBe(TOTAL);
    expect(run.skipped).toEqual([]);
  });

  it('stops building at the byte limit, taking a transaction that reaches it exactly', () => {
    const limit = aliceCall.raw.length + bobCall.raw.length;
    const run = executeBlock(funded(), env, items, 'build', limit);
    expect(run.included.map((i) => i.tx.hash)).toEqual([aliceCall.hash, bobCall.hash]);
    expect(run.skipped).toEqual([]);
    const short = executeBlock(funded(), env, items, 'build', limit - 1);
    expect(short.included.map((i) => i.tx.hash)).toEqual([aliceCall.hash]);
    // Verifying ignores the limit: the proposal's size was checked as a whole before execution.
    const verified = executeBlock(funded(), env, [items[0]!, items[1]!], 'verify', limit - 1);
    expect(verified.included).toHaveLength(2);
    // Skipped transactions do not count against the limit.
    const skipFirst = [items[2]!, items[0]!, items[1]!];
    expect(executeBlock(funded(), env, skipFirst, 'build', limit).included).toHaveLength(2);
  });

  it('offers each transaction only the gas the block has left', () => {
    const tight = { ...env, gasLimit: GAS[0]! + 89_999n };
    const run = executeBlock(funded(), tight, items, 'build');
    expect(run.included.map((i) => i.tx.hash)).toEqual([aliceCall.hash]);
    expect(run.skipped.map((s) => s.error.code)).toEqual([
      'BLOCK_GAS_EXHAUSTED',
      'NONCE_TOO_HIGH',
      'BLOCK_GAS_EXHAUSTED',
    ]);
  });

  it('lets an unexpected error escape in either mode', () => {
    const buggy = {
      tx: tx(alice, { to: MODULE, data: moduleCall(0, 2), gasLimit: 90_000n }),
      sender: alice.address,
    };
    expect(() => executeBlock(funded(), env, [buggy], 'build')).toThrow('a bug in a module');
  });
});

// A vesting account on a real Chain (temp LevelDB, the staking module) with block times the test
// chooses: the mempool refuses value + max fee above the spendable balance, locked tokens can be
// staked (and count as the validator's stake), stake returned while the schedule runs is locked
// again, everything moves once the schedule is over; and at the execution level, a transfer of
// locked tokens that reaches a block fails in its receipt with LOCKED_TOKENS, paying its fee, while
// a fee that only locked tokens could pay makes the transaction invalid.
import { encodeFunctionData } from 'viem';
import { afterEach, describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey } from '../../../core/address.ts';
import { hexToBytes } from '../../../core/bytes.ts';
import { type SignedTx, signTx } from '../../../core/tx.ts';
import { readAccount } from '../../../state/accounts.ts';
import { executeTx } from '../../../state/execution/executeTx.ts';
import { simulateCall } from '../../../state/execution/simulate.ts';
import { ModuleRegistry } from '../../../state/modules/module.ts';
import {
  readValidator,
  STAKING_ADDRESS,
  stakingAbi,
  stakingModule,
} from '../../../state/modules/staking/index.ts';
import { readParams } from '../../../state/params.ts';
import { StateOverlay } from '../../../state/stateDb.ts';
import { readSupply } from '../../../state/supply.ts';
import { balancesAt, readVesting } from '../../../state/vesting/store.ts';
import type { TestChain } from '../../helpers/chain.ts';
import {
  OPEN,
  openStakingChain,
  operator,
  stakingCall,
  TREASURY,
} from '../modules/staking/endBlock/helpers.ts';

const G = Date.parse('2026-01-01T00:00:00Z');
const aliceKey = new Uint8Array(32).fill(0xa1);
const alice = addressFromPrivateKey(aliceKey);
const bob: Address = '0x00000000000000000000000000000000000b0b00';
const GWEI = 10n ** 9n;
/** What submit() reserves for a plain transfer: 21,000 gas at 100 gwei. */
const TRANSFER_FEE = 21_000n * 100n * GWEI;

// 1000 OPEN, of which 800 vest linearly from genesis: nothing before 10 s, all at 20 s.
const VESTING = {
  amount: (800n * OPEN).toString(),
  start: '2026-01-01T00:00:00Z',
  cliff: '2026-01-01T00:00:10Z',
  end: '2026-01-01T00:00:20Z',
};

let t: TestChain | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function open(): Promise<TestChain> {
  return openStakingChain({
    alloc: [{ address: alice, balance: 1_000n * OPEN, vesting: VESTING }],
    genesisTime: new Date(G),
  });
}

function transfer(nonce: bigint, value: bigint, maxFeePerGas = 100n * GWEI): SignedTx {
  const tx = {
    type: 2 as const,
    chainId: 1337n,
    nonce,
    maxFeePerGas,
    maxPriorityFeePerGas: 0n,
    gasLimit: 21_000n,
    to: bob,
    value,
    data: new Uint8Array(),
    accessList: [],
  };
  return signTx(tx, aliceKey);
}

describe('a vesting account on a chain', () => {
  it('the mempool refuses value + max fee above the spendable balance, with the reason, and admits up to it', async () => {
    t = await open();
    expect(balancesAt(t.chain.state, alice, G)).toEqual({
      balance: 1_000n * OPEN,
      locked: 800n * OPEN,
      spendable: 200n * OPEN,
    });
    await expect(t.chain.checkTx(transfer(0n, 200n * OPEN - TRANSFER_FEE + 1n).raw)).rejects.toMatchObject({
      code: 'LOCKED_FUNDS',
      message: `insufficient spendable funds for gas * price + value: balance ${1_000n * OPEN}, of which ${200n * OPEN} is spendable (the rest is locked by an unlock schedule: it can be staked, not transferred or spent on fees), tx needs ${200n * OPEN + 1n}`,
    });
    expect(t.chain.mempool.stats().pending).toBe(0);
    await t.chain.checkTx(transfer(0n, 200n * OPEN - TRANSFER_FEE).raw);
    // A second transaction must fit what the first leaves spendable.
    await expect(t.chain.checkTx(transfer(1n, 1n).raw)).rejects.toMatchObject({ code: 'LOCKED_FUNDS' });
    const { receipts } = await t.produce(G + 1_000);
    expect(receipts.map((r) => r.status)).toEqual([1]);
    expect(readAccount(t.chain.state, bob).balance).toBe(200n * OPEN - TRANSFER_FEE);
  });

  it('the mempool judges a sender it already holds at the head time: tokens unlocked since are spendable with no block touching the account', async () => {
    t = await open();
    // A queued transaction (nonce 1, behind a gap) makes the pool hold alice's account as read at G.
    expect(await t.chain.checkTx(transfer(1n, 1n).raw)).toMatchObject({ status: 'queued' });
    // Blocks pass the cliff without touching alice: at 15 s, 600 of the 800 have vested.
    await t.produce(G + 15_000);
    expect(readAccount(t.chain.state, alice)).toEqual({ nonce: 0n, balance: 1_000n * OPEN });
    // 790 OPEN moves: more than the 200 spendable at G, within the 800 spendable now (the queued
    // transaction reserves 1 wei and its fee).
    const spend = 790n * OPEN;
    expect(await t.chain.checkTx(transfer(0n, spend).raw)).toMatchObject({ status: 'pending' });
    await expect(t.chain.checkTx(transfer(2n, 10n * OPEN).raw)).rejects.toMatchObject({
      code: 'LOCKED_FUNDS',
    });
    const { receipts } = await t.produce(G + 16_000);
    expect(receipts.map((r) => r.status)).toEqual([1, 1]);
    expect(readAccount(t.chain.state, bob).balance).toBe(spend + 1n);
  });

  it('stakes locked tokens (they count as the validator stake), locks returned stake again while the schedule runs, frees all at the end', async () => {
    t = await open();
    const validator = operator(1);
    const genesisSupply = readSupply(t.chain.state)!;
    const tokensBefore = readValidator(t.chain.state, validator)!.tokens;
    // 900 OPEN: all 800 locked ones and 100 free ones. The mempool takes only the fee from the
    // spendable balance for a stake.
    await stakingCall(t, aliceKey, 'delegate', [validator], 900n * OPEN);
    let block = await t.produce(G + 1);
    expect(block.receipts.map((r) => [r.status, r.errorCode])).toEqual([[1, '']]);
    expect(readValidator(t.chain.state, validator)!.tokens - tokensBefore).toBe(900n * OPEN);
    expect(readVesting(t.chain.state, alice)).toMatchObject({
      delegatedVesting: 800n * OPEN,
      delegatedFree: 100n * OPEN,
    });
    // Nothing locked stays in the balance: all of what is left is spendable.
    const left = readAccount(t.chain.state, alice).balance;
    expect(balancesAt(t.chain.state, alice, G + 1)).toEqual({ balance: left, locked: 0n, spendable: left });

    await stakingCall(t, aliceKey, 'undelegate', [validator, 900n * OPEN]);
    block = await t.produce(G + 2);
    expect(block.receipts.map((r) => r.status)).toEqual([1]);
    const unbonding = readAccount(t.chain.state, alice).balance;
    // Unbonding takes 20 blocks; a millisecond apart, the schedule is still before its cliff.
    for (let i = 3; i <= 23; i++) await t.produce(G + i);
    const back = readAccount(t.chain.state, alice).balance;
    expect(back).toBe(unbonding + 900n * OPEN);
    expect(readVesting(t.chain.state, alice)).toMatchObject({ delegatedVesting: 0n, delegatedFree: 0n });
    expect(balancesAt(t.chain.state, alice, G + 23)).toEqual({
      balance: back,
      locked: 800n * OPEN,
      spendable: back - 800n * OPEN,
    });

    // The line runs from the start: at 15 s, three quarters have vested; from 20 s, all.
    await t.produce(G + 15_000);
    expect(balancesAt(t.chain.state, alice, G + 15_000).locked).toBe(200n * OPEN);
    await t.produce(G + 20_000);
    const nonce = readAccount(t.chain.state, alice).nonce;
    await t.chain.checkTx(transfer(nonce, back - TRANSFER_FEE).raw);
    block = await t.produce(G + 21_000);
    expect(block.receipts.map((r) => r.status)).toEqual([1]);
    expect(readAccount(t.chain.state, bob).balance).toBe(back - TRANSFER_FEE);
    const fee = block.receipts[0]!.gasUsed * block.receipts[0]!.effectiveGasPrice;
    expect(readAccount(t.chain.state, alice).balance).toBe(TRANSFER_FEE - fee);
    // The supply in the state is what every account holds: the burned base fees left it.
    const holders = [alice, bob, STAKING_ADDRESS, TREASURY, ...[1, 2, 3, 4].map(operator)];
    const held = holders.reduce((sum, a) => sum + readAccount(t!.chain.state, a).balance, 0n);
    expect(readSupply(t.chain.state)).toBe(held);
    expect(held).toBeLessThan(genesisSupply);
  });
});

describe('executing a vesting account transaction', () => {
  async function env(time: number) {
    t = await open();
    const state = new StateOverlay(t.chain.state);
    const params = readParams(state);
    const modules = new ModuleRegistry([stakingModule()]);
    const block = { chainId: 1337n, height: 1, time, params };
    return {
      state,
      run: (tx: SignedTx) => executeTx(state, { block, baseFee: GWEI, modules }, tx, alice, 10n ** 9n),
      block,
      modules,
    };
  }

  it('fails a transfer of locked tokens in its receipt with LOCKED_TOKENS: the fee is paid, nothing moves', async () => {
    const { state, run } = await env(G + 12_000);
    // At 12 s, past the cliff, the line from the start has vested 480 of the 800: 680 spendable.
    const outcome = run(transfer(0n, 681n * OPEN));
    const fee = 21_000n * GWEI;
    expect(outcome).toMatchObject({ status: 0, gasUsed: 21_000n, errorCode: 'LOCKED_TOKENS' });
    expect(outcome.error).toBe(
      `transfer of locked tokens: ${alice} holds ${1_000n * OPEN - fee}, of which ${320n * OPEN} is locked by its unlock schedule until it vests; spendable ${680n * OPEN - fee}, tried to move ${681n * OPEN}`,
    );
    expect(readAccount(state, alice)).toEqual({ nonce: 1n, balance: 1_000n * OPEN - fee });
    expect(readAccount(state, bob).balance).toBe(0n);
    // The spendable part moves.
    expect(run(transfer(1n, 680n * OPEN - 2n * fee)).status).toBe(1);
    expect(readAccount(state, bob).balance).toBe(680n * OPEN - 2n * fee);
  });

  it('makes a transaction whose fee only locked tokens could pay invalid (LOCKED_FUNDS), changing nothing', async () => {
    const { state, run } = await env(G);
    // 200 OPEN spendable; a max fee of 10^16 wei per gas × 21,000 gas is 210 OPEN.
    expect(() => run(transfer(0n, 0n, 10n ** 16n))).toThrow(
      expect.objectContaining({ code: 'LOCKED_FUNDS' }),
    );
    expect(readAccount(state, alice)).toEqual({ nonce: 0n, balance: 1_000n * OPEN });
  });

  it('eth_call / eth_estimateGas report LOCKED_TOKENS for value sent to a module that does not stake it', async () => {
    const { state, block, modules } = await env(G);
    const call = { from: alice, data: new Uint8Array(), gasLimit: 100_000n, accessList: [] };
    // The staking module takes locked tokens; undelegate is not payable, so its own check fails instead.
    const data = hexToBytes(
      encodeFunctionData({ abi: stakingAbi, functionName: 'undelegate', args: [operator(1), 1n] }),
    );
    expect(
      simulateCall(state, block, modules, { ...call, to: STAKING_ADDRESS, value: 500n * OPEN, data })
        .errorCode,
    ).toBe('UNEXPECTED_VALUE');
    expect(simulateCall(state, block, modules, { ...call, to: bob, value: 500n * OPEN }).errorCode).toBe(
      'LOCKED_TOKENS',
    );
    expect(simulateCall(state, block, modules, { ...call, to: bob, value: 200n * OPEN }).status).toBe(1);
  });
});

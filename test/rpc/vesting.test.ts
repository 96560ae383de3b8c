// Unlock schedules through a real client against an in-process node whose block time runs on:
// eth_getBalance reports the total, open_getBalances the locked, vested and spendable parts,
// eth_sendRawTransaction refuses value + max fee above the spendable balance, locked tokens can be
// staked with viem, an unlock a few seconds after genesis frees its tokens once a block reaches
// it, and open_getUnlockCurve gives the curve from the state.
import { encodeFunctionData } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '../../core/address.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../state/modules/staking/index.ts';
import { startTestNode, TEST_BALANCE, type TestNode } from '../helpers/node.ts';

const OPEN = 10n ** 18n;
// Whole seconds, as genesis files hold them.
const G = Math.floor(Date.now() / 1000) * 1000;
const SOON = G + 3_000;
const NEVER = Date.parse('2100-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

// Account 1: 1,000 OPEN free, 4,000 unlocking 3 s after genesis, 5,000 in 2100.
const VESTING = {
  unlocks: [
    { time: iso(SOON), amount: (4_000n * OPEN).toString() },
    { time: iso(NEVER), amount: (5_000n * OPEN).toString() },
  ],
};

describe('vesting over JSON-RPC', () => {
  let t: TestNode;
  const rpc = async (method: string, params: unknown[] = []) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await res.json()) as {
      result?: Record<string, unknown>;
      error?: { code: number; message: string };
    };
  };
  const balances = async (who: Address) => (await rpc('open_getBalances', [who])).result!;

  beforeAll(async () => {
    t = await startTestNode({ genesisTime: new Date(G), vesting: [undefined, VESTING] });
  });
  afterAll(() => t.stop());

  it('eth_getBalance is the total; open_getBalances splits it by the latest block time', async () => {
    const who = t.accounts[1]!.address as Address;
    expect(await t.publicClient().getBalance({ address: who })).toBe(TEST_BALANCE);
    const b = await balances(who);
    const time = b.time as number;
    const vested = time >= SOON ? 4_000n * OPEN : 0n;
    expect(b).toMatchObject({
      address: who,
      balance: `0x${TEST_BALANCE.toString(16)}`,
      vested: `0x${vested.toString(16)}`,
      vesting: `0x${(9_000n * OPEN - vested).toString(16)}`,
      locked: `0x${(9_000n * OPEN - vested).toString(16)}`,
      spendable: `0x${(1_000n * OPEN + vested).toString(16)}`,
      delegatedVesting: '0x0',
      schedule: { kind: 'periodic', original: `0x${(9_000n * OPEN).toString(16)}` },
    });
    // An account without a schedule: all spendable, no schedule.
    expect(await balances(t.accounts[2]!.address as Address)).toMatchObject({
      locked: '0x0',
      schedule: null,
    });
  });

  it('eth_sendRawTransaction refuses value + max fee above the spendable balance, saying why', async () => {
    const wallet = t.walletClient(1);
    // 6,000 OPEN is more than can ever be spendable before 2100; gas and fees given, so viem sends
    // the transaction without estimating it first.
    const sent = wallet.sendTransaction({
      chain: t.viemChain,
      account: wallet.account!,
      to: t.accounts[3]!.address as Address,
      value: 6_000n * OPEN,
      gas: 21_000n,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 0n,
    });
    await expect(sent).rejects.toThrow(
      /insufficient spendable funds for gas \* price \+ value: .* is locked by an unlock schedule/s,
    );
    // eth_estimateGas says why too (execution reverted with the stable code).
    const estimate = await rpc('eth_estimateGas', [
      {
        from: t.accounts[1]!.address,
        to: t.accounts[3]!.address,
        value: `0x${(6_000n * OPEN).toString(16)}`,
      },
    ]);
    expect(estimate.error?.message).toMatch(/^execution reverted: LOCKED_TOKENS: transfer of locked tokens/);
  });

  it('stakes locked tokens with viem; the unlock frees its part once a block reaches its time', async () => {
    const who = t.accounts[1]!.address as Address;
    const wallet = t.walletClient(1);
    const client = t.publicClient();
    const hash = await wallet.sendTransaction({
      chain: t.viemChain,
      account: wallet.account!,
      to: STAKING_ADDRESS,
      data: encodeFunctionData({
        abi: stakingAbi,
        functionName: 'delegate',
        args: [t.accounts[0]!.address as Address],
      }),
      // All 5,000 never-unlocking tokens, and more than the spendable balance.
      value: 5_000n * OPEN,
    });
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe('success');
    const staked = await balances(who);
    expect(staked.delegatedVesting).toBe(`0x${(5_000n * OPEN).toString(16)}`);

    // Wait for a block at or after the unlock (block time, not the test's clock, decides).
    for (let i = 0; i < 200 && ((await balances(who)).time as number) < SOON; i++)
      await new Promise((r) => setTimeout(r, 100));
    const after = await balances(who);
    expect(after.time as number).toBeGreaterThanOrEqual(SOON);
    // Only the 2100 part is still vesting, and all of it is at stake: nothing in the balance is locked.
    expect(after).toMatchObject({ vesting: `0x${(5_000n * OPEN).toString(16)}`, locked: '0x0' });
    const transfer = await wallet.sendTransaction({
      chain: t.viemChain,
      account: wallet.account!,
      to: t.accounts[3]!.address as Address,
      value: 4_000n * OPEN,
    });
    expect((await client.waitForTransactionReceipt({ hash: transfer })).status).toBe('success');
  });

  it('open_getUnlockCurve: the tokens under schedules over time, from the state', async () => {
    const { result } = await rpc('open_getUnlockCurve');
    const hex = (n: bigint) => `0x${n.toString(16)}`;
    expect(result).toMatchObject({ accounts: 1, total: hex(9_000n * OPEN) });
    // The total supply from the state: the four dev accounts and the validator's self-bond, less
    // the base fees burned so far (the default burns them all).
    const supply = BigInt(result!.supply as string);
    expect(supply).toBeLessThan(4n * TEST_BALANCE + 10n * OPEN);
    expect(supply).toBeGreaterThan(4n * TEST_BALANCE + 10n * OPEN - OPEN);
    expect(result!.points).toEqual([
      { time: SOON - 1, vesting: hex(9_000n * OPEN), unlocked: '0x0' },
      { time: SOON, vesting: hex(5_000n * OPEN), unlocked: hex(4_000n * OPEN) },
      { time: NEVER - 1, vesting: hex(5_000n * OPEN), unlocked: hex(4_000n * OPEN) },
      { time: NEVER, vesting: '0x0', unlocked: hex(9_000n * OPEN) },
    ]);
  });
});

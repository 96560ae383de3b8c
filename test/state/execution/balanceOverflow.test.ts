// Every credit is checked against the 256-bit balance bound: a credit that would overflow fails its
// transaction with a clear reason and leaves every account readable, so the chain keeps going.
// Genesis validation forbids such a supply; these states are built past it to test the last line.
import { afterEach, describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey } from '../../../core/address.ts';
import { signTx } from '../../../core/tx.ts';
import {
  BalanceOverflowError,
  credit,
  MAX_BALANCE,
  readAccount,
  transfer,
  writeAccount,
} from '../../../state/accounts.ts';
import { ATTRIBUTION_ADDRESS } from '../../../state/modules/attribution/abi.ts';
import { payOutOfModule } from '../../../state/modules/attribution/ledger.ts';
import { StateOverlay } from '../../../state/stateDb.ts';
import { openTestChain, type TestChain } from '../../helpers/chain.ts';

const key = new Uint8Array(32).fill(7);
const alice = addressFromPrivateKey(key);
const full: Address = '0x00000000000000000000000000000000000f0111';
const other: Address = '0x00000000000000000000000000000000000f0112';
const GWEI = 10n ** 9n;

function send(nonce: bigint, to: Address, value: bigint, gasLimit = 21_000n) {
  return signTx(
    {
      type: 2,
      chainId: 1337n,
      nonce,
      maxFeePerGas: 100n * GWEI,
      maxPriorityFeePerGas: GWEI,
      gasLimit,
      to,
      value,
      data: new Uint8Array(),
      accessList: [],
    },
    key,
  );
}

let t: TestChain | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('a credit that would exceed 2^256-1', () => {
  it('fails a plain transfer with a clear reason, charges only the fee, and the chain goes on', async () => {
    t = await openTestChain({
      alloc: [{ address: alice, balance: 10n ** 21n }],
      uncheckedAlloc: [{ address: full, balance: MAX_BALANCE }],
    });
    await t.chain.checkTx(send(0n, full, 1n).raw);
    await t.chain.checkTx(send(1n, other, 5n).raw);
    const { receipts } = await t.produce();
    expect(receipts.map((r) => r.status)).toEqual([0, 1]);
    expect(receipts[0]!.error).toMatch(
      /^balance overflow: 0x0+f0111 holds \d+, receiving 1 would exceed 2\^256-1/,
    );
    expect(receipts[0]!.errorCode).toBe('BALANCE_OVERFLOW');
    expect(readAccount(t.chain.state, full).balance).toBe(MAX_BALANCE);
    expect(readAccount(t.chain.state, other).balance).toBe(5n);
    const paid = receipts.reduce((sum, r) => sum + r.gasUsed * r.effectiveGasPrice, 0n);
    expect(readAccount(t.chain.state, alice)).toEqual({ nonce: 2n, balance: 10n ** 21n - paid - 5n });
    // Later blocks still execute (before the fix the account became undecodable and they failed).
    await t.chain.checkTx(send(2n, other, 5n).raw);
    expect((await t.produce()).receipts.map((r) => r.status)).toEqual([1]);
  });

  it('fails a call whose value would overflow a module account, reverting the call', async () => {
    t = await openTestChain({
      alloc: [{ address: alice, balance: 10n ** 21n }],
      uncheckedAlloc: [{ address: ATTRIBUTION_ADDRESS, balance: MAX_BALANCE }],
    });
    await t.chain.checkTx(send(0n, ATTRIBUTION_ADDRESS, 1n, 100_000n).raw);
    const { receipts } = await t.produce();
    expect(receipts[0]!.status).toBe(0);
    expect(receipts[0]!).toMatchObject({
      error: expect.stringMatching(/^balance overflow: /),
      errorCode: 'BALANCE_OVERFLOW',
    });
    expect(readAccount(t.chain.state, ATTRIBUTION_ADDRESS).balance).toBe(MAX_BALANCE);
  });
});

describe('checked credits on a state overlay', () => {
  const empty = { get: () => undefined };

  it('credit and transfer throw BalanceOverflowError and leave the state untouched', () => {
    const state = new StateOverlay(empty);
    writeAccount(state, full, { nonce: 0n, balance: MAX_BALANCE - 1n });
    writeAccount(state, alice, { nonce: 3n, balance: 10n });
    const before = state.snapshot();
    expect(() => credit(state, full, 2n)).toThrow(BalanceOverflowError);
    expect(() => transfer(state, alice, full, 2n)).toThrow(
      expect.objectContaining({ code: 'BALANCE_OVERFLOW' }),
    );
    expect(state.snapshot()).toBe(before);
    credit(state, full, 1n);
    expect(readAccount(state, full).balance).toBe(MAX_BALANCE);
    // Moving to oneself nets to nothing, even for a full account.
    transfer(state, full, full, 5n);
    expect(readAccount(state, full).balance).toBe(MAX_BALANCE);
  });

  it('attribution payouts are checked too', () => {
    const state = new StateOverlay(empty);
    writeAccount(state, ATTRIBUTION_ADDRESS, { nonce: 0n, balance: 10n });
    writeAccount(state, full, { nonce: 0n, balance: MAX_BALANCE - 5n });
    expect(() => payOutOfModule(state, 10n, new Map([[full, 10n]]))).toThrow(BalanceOverflowError);
  });
});

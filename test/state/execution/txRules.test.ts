// The rules that decide whether a transaction may be in a block (state/execution/txValidity.ts), each
// at its boundary with a transaction that passes every other rule: the last accepted value is
// accepted and the first refused one is refused with its own code.
import { describe, expect, it } from 'vitest';
import type { SignedTx } from '../../../core/tx.ts';
import type { Account } from '../../../state/accounts.ts';
import { checkAgainstState, checkStatic, InvalidTxError } from '../../../state/execution/txValidity.ts';
import type { ChainParams } from '../../../state/params.ts';
import { CHAIN_ID, GWEI, MODULE, moduleCall, modules, params, testAccount, tx } from './helpers.ts';

const alice = testAccount(1);

function staticRefusal(t: SignedTx, p: ChainParams = params): { code: string; message: string } {
  try {
    checkStatic(t, CHAIN_ID, p, modules);
  } catch (err) {
    if (!(err instanceof InvalidTxError)) throw err;
    return { code: err.code, message: err.message };
  }
  throw new Error('the transaction was accepted');
}

const passesStatic = (t: SignedTx, p: ChainParams = params) =>
  expect(() => checkStatic(t, CHAIN_ID, p, modules)).not.toThrow();

describe('checkStatic', () => {
  it('accepts transfers and module calls that follow every rule, legacy or EIP-1559', () => {
    passesStatic(tx(alice));
    passesStatic(tx(alice, { type: 0 }));
    passesStatic(tx(alice, { to: MODULE, data: moduleCall(1, 0), gasLimit: 21_048n }));
  });

  it('refuses another chain id', () => {
    expect(staticRefusal(tx(alice, { chainId: 1n }))).toEqual({
      code: 'WRONG_CHAIN_ID',
      message: 'invalid chain id: expected 1337, got 1',
    });
  });

  it('refuses contract creation', () => {
    expect(staticRefusal(tx(alice, { to: null }))).toEqual({
      code: 'CONTRACT_CREATION',
      message: 'contract creation is not supported: this chain has no EVM',
    });
  });

  it('refuses calldata to an address that is not a module', () => {
    const t = tx(alice, { data: Uint8Array.of(1), gasLimit: 30_000n });
    expect(staticRefusal(t).code).toBe('NO_EVM');
    expect(staticRefusal(t).message).toMatch(/^calldata sent to 0x0+abcd, which is not a module address/);
  });

  it('takes a transaction of exactly maxTxBytes and refuses one byte more', () => {
    const t = tx(alice);
    passesStatic(t, { ...params, maxTxBytes: t.raw.length });
    expect(staticRefusal(t, { ...params, maxTxBytes: t.raw.length - 1 })).toEqual({
      code: 'OVERSIZED',
      message: `oversized transaction: ${t.raw.length} bytes, limit ${t.raw.length - 1}`,
    });
  });

  it('takes a gas limit of exactly the intrinsic gas and refuses one less', () => {
    passesStatic(tx(alice, { gasLimit: 21_000n }));
    expect(staticRefusal(tx(alice, { gasLimit: 20_999n }))).toEqual({
      code: 'INTRINSIC_GAS',
      message: 'intrinsic gas too low: gas limit 20999, needs at least 21000',
    });
    // 3 calldata bytes (2 zero, 1 non-zero): 21,024.
    expect(staticRefusal(tx(alice, { to: MODULE, data: moduleCall(0, 1), gasLimit: 21_023n })).code).toBe(
      'INTRINSIC_GAS',
    );
    passesStatic(tx(alice, { to: MODULE, data: moduleCall(0, 1), gasLimit: 21_024n }));
  });

  it('takes a gas limit of exactly the block gas limit and refuses one more', () => {
    passesStatic(tx(alice, { gasLimit: 1_000_000n }));
    expect(staticRefusal(tx(alice, { gasLimit: 1_000_001n }))).toEqual({
      code: 'GAS_LIMIT_ABOVE_BLOCK',
      message: 'exceeds block gas limit: gas 1000001, block limit 1000000',
    });
  });

  it('takes a tip equal to the max fee and refuses a higher one', () => {
    passesStatic(tx(alice, { maxFeePerGas: 2n * GWEI, maxPriorityFeePerGas: 2n * GWEI }));
    expect(
      staticRefusal(tx(alice, { maxFeePerGas: 2n * GWEI, maxPriorityFeePerGas: 2n * GWEI + 1n })),
    ).toEqual({
      code: 'TIP_ABOVE_MAX_FEE',
      message: 'max priority fee per gas higher than max fee per gas: tip 2000000001, max fee 2000000000',
    });
  });

  it('takes a max fee or gas price of exactly the minimum base fee and refuses one wei less', () => {
    passesStatic(tx(alice, { maxFeePerGas: GWEI, maxPriorityFeePerGas: 0n }));
    passesStatic(tx(alice, { type: 0, gasPrice: GWEI }));
    expect(staticRefusal(tx(alice, { maxFeePerGas: GWEI - 1n, maxPriorityFeePerGas: 0n }))).toEqual({
      code: 'UNDERPRICED',
      message: 'transaction underpriced: max fee per gas 999999999 below the minimum base fee 1000000000',
    });
    expect(staticRefusal(tx(alice, { type: 0, gasPrice: GWEI - 1n })).code).toBe('UNDERPRICED');
  });
});

describe('checkAgainstState', () => {
  // gasLimit 21,000 × max fee 3 gwei + value 5 = 63,000 gwei + 5 wei.
  const t = tx(alice, { nonce: 4n, value: 5n });
  const cost = 21_000n * 3n * GWEI + 5n;
  const account: Account = { nonce: 4n, balance: cost };

  function refusal(
    a: Account,
    baseFee: bigint,
    gasLeft: bigint,
    spendable = a.balance,
  ): { code: string; message: string } {
    try {
      checkAgainstState(t, alice.address, a, spendable, baseFee, gasLeft);
    } catch (err) {
      if (!(err instanceof InvalidTxError)) throw err;
      return { code: err.code, message: err.message };
    }
    throw new Error('the transaction was accepted');
  }

  it('accepts the exact nonce, a base fee equal to the max fee, the exact balance and the exact gas left', () => {
    expect(() =>
      checkAgainstState(t, alice.address, account, account.balance, 3n * GWEI, 21_000n),
    ).not.toThrow();
  });

  it('takes the fee from the spendable balance only, and leaves the value to execution', () => {
    const fee = 21_000n * 3n * GWEI;
    // Exactly the fee spendable: valid (a value above what is left fails in the receipt instead).
    expect(() => checkAgainstState(t, alice.address, account, fee, GWEI, 21_000n)).not.toThrow();
    expect(refusal(account, GWEI, 21_000n, fee - 1n)).toEqual({
      code: 'LOCKED_FUNDS',
      message: `insufficient spendable funds for gas * price: address ${alice.address} have ${cost}, of which ${fee - 1n} is spendable (the rest is locked by an unlock schedule and cannot pay fees), want ${fee}`,
    });
  });

  it('refuses a used or a future nonce', () => {
    expect(refusal({ ...account, nonce: 5n }, GWEI, 21_000n)).toEqual({
      code: 'NONCE_TOO_LOW',
      message: 'nonce too low: next nonce 5, tx nonce 4',
    });
    expect(refusal({ ...account, nonce: 3n }, GWEI, 21_000n)).toEqual({
      code: 'NONCE_TOO_HIGH',
      message: 'nonce too high: next nonce 3, tx nonce 4',
    });
  });

  it('refuses a max fee below the block base fee', () => {
    expect(refusal(account, 3n * GWEI + 1n, 21_000n)).toEqual({
      code: 'UNDERPRICED',
      message: 'max fee per gas less than block base fee: max fee 3000000000, base fee 3000000001',
    });
  });

  it('refuses a balance one wei short of gas limit × max fee + value', () => {
    expect(refusal({ ...account, balance: cost - 1n }, GWEI, 21_000n)).toEqual({
      code: 'INSUFFICIENT_FUNDS',
      message: `insufficient funds for gas * price + value: address ${alice.address} have ${cost - 1n} want ${cost}`,
    });
  });

  it('refuses a gas limit above the gas left in the block', () => {
    expect(refusal(account, GWEI, 20_999n)).toEqual({
      code: 'BLOCK_GAS_EXHAUSTED',
      message: 'block gas exhausted: tx gas 21000, left 20999',
    });
  });
});

// Applies one valid transaction: buy gas, bump the nonce, run the call, refund unused gas. A failing
// call reverts its own writes but keeps the fee and the nonce bump (as on Ethereum).
import type { Address } from '../../core/address.ts';
import type { Log } from '../../core/receipt.ts';
import type { SignedTx } from '../../core/tx.ts';
import {
  BalanceOverflowError,
  credit,
  creditedBalance,
  InsufficientBalanceError,
  readAccount,
  transfer,
  writeAccount,
} from '../accounts.ts';
import {
  type BlockInfo,
  type CallContext,
  ModuleError,
  type ModuleRegistry,
  OutOfGasError,
} from '../modules/module.ts';
import type { StateOverlay } from '../stateDb.ts';
import { spendableOf } from '../vesting/schedule.ts';
import {
  LockedTokensError,
  lockedTokensError,
  readVesting,
  recordDelegation,
  requireSpendable,
} from '../vesting/store.ts';
import { effectiveGasPrice, intrinsicGas } from './gas.ts';
import { checkAgainstState } from './txValidity.ts';

export interface TxEnv {
  readonly block: BlockInfo;
  readonly baseFee: bigint;
  readonly modules: ModuleRegistry;
}

export interface Call {
  readonly from: Address;
  readonly to: Address;
  readonly value: bigint;
  readonly data: Uint8Array;
  readonly gasLimit: bigint;
  /** Gas already charged before the call runs (intrinsic gas). */
  readonly gasUsedBefore: bigint;
}

export interface CallOutcome {
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly logs: readonly Log[];
  /** Why the call failed; empty on success. */
  readonly error: string;
  /** The failure's stable code (the thrown error's `code`, e.g. NOT_JAILED); empty on success. */
  readonly errorCode: string;
}

export interface TxOutcome extends CallOutcome {
  readonly effectiveGasPrice: bigint;
}

/**
 * Moves the value and runs the module the call is addressed to, if any. On failure every write of
 * the call is reverted and the outcome says why; gas used is capped at the limit.
 */
export function runCall(state: StateOverlay, env: TxEnv, call: Call): CallOutcome {
  let gasUsed = call.gasUsedBefore;
  const logs: Log[] = [];
  const snapshot = state.snapshot();
  try {
    const module = env.modules.get(call.to);
    // Locked tokens may be staked, and may not move anywhere else (docs/vesting.md).
    if (!module?.stakesValue) requireSpendable(state, call.from, call.value, env.block.time);
    transfer(state, call.from, call.to, call.value);
    if (module?.stakesValue) recordDelegation(state, call.from, call.value, env.block.time);
    if (module) {
      const ctx: CallContext = {
        state,
        block: env.block,
        from: call.from,
        value: call.value,
        useGas(amount) {
          gasUsed += amount;
          if (gasUsed > call.gasLimit) throw new OutOfGasError(call.gasLimit);
        },
        emit: (log) => logs.push(log),
      };
      module.execute(ctx, call.data);
    }
    return { status: 1, gasUsed, logs, error: '', errorCode: '' };
  } catch (err) {
    if (
      !(
        err instanceof ModuleError ||
        err instanceof InsufficientBalanceError ||
        err instanceof BalanceOverflowError
      )
    )
      throw err;
    state.revert(snapshot);
    return {
      status: 0,
      gasUsed: gasUsed > call.gasLimit ? call.gasLimit : gasUsed,
      logs: [],
      error: err.message,
      errorCode: err.code,
    };
  }
}

/** Throws InvalidTxError (state untouched) if the tx cannot be included; otherwise applies it. */
export function executeTx(
  state: StateOverlay,
  env: TxEnv,
  tx: SignedTx,
  sender: Address,
  gasLeftInBlock: bigint,
): TxOutcome {
  const account = readAccount(state, sender);
  const vesting = readVesting(state, sender);
  const spendable = spendableOf(account.balance, vesting, env.block.time);
  checkAgainstState(tx, sender, account, spendable, env.baseFee, gasLeftInBlock);

  const price = effectiveGasPrice(tx, env.baseFee);
  const to = tx.to!; // checkStatic rejected contract creation
  if (!env.modules.get(to)) {
    // A plain transfer uses exactly its intrinsic gas: one write per account instead of the general
    // path's three. The checks passed cover value + max fee, so it fails only when the value is
    // locked by an unlock schedule or the recipient's balance would overflow; then it pays its fee
    // and moves nothing.
    const gasUsed = intrinsicGas(tx);
    const fee = gasUsed * price;
    const paid = { nonce: account.nonce + 1n, balance: account.balance - fee };
    writeAccount(state, sender, { ...paid, balance: paid.balance - tx.value });
    try {
      if (tx.value > spendable - fee)
        throw lockedTokensError(sender, paid.balance, spendable - fee, tx.value);
      credit(state, to, tx.value);
    } catch (err) {
      if (!(err instanceof BalanceOverflowError || err instanceof LockedTokensError)) throw err;
      writeAccount(state, sender, paid);
      return {
        status: 0,
        gasUsed,
        logs: [],
        error: err.message,
        errorCode: err.code,
        effectiveGasPrice: price,
      };
    }
    return { status: 1, gasUsed, logs: [], error: '', errorCode: '', effectiveGasPrice: price };
  }
  writeAccount(state, sender, { nonce: account.nonce + 1n, balance: account.balance - tx.gasLimit * price });
  const outcome = runCall(state, env, {
    from: sender,
    to,
    value: tx.value,
    data: tx.data,
    gasLimit: tx.gasLimit,
    gasUsedBefore: intrinsicGas(tx),
  });
  const refund = (tx.gasLimit - outcome.gasUsed) * price;
  if (refund > 0n) {
    const after = readAccount(state, sender);
    writeAccount(state, sender, { ...after, balance: creditedBalance(sender, after.balance, refund) });
  }
  return { ...outcome, effectiveGasPrice: price };
}

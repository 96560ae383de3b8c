// Rules that decide whether a transaction may appear in a block at all. A block containing a
// transaction that breaks one of them is invalid; the mempool applies the same static rules on
// admission so users hear about it at eth_sendRawTransaction time.
import type { Address } from '../../core/address.ts';
import { OpenchainError } from '../../core/errors.ts';
import { maxFeePerGas, type SignedTx } from '../../core/tx.ts';
import type { Account } from '../accounts.ts';
import type { ModuleRegistry } from '../modules/module.ts';
import type { ChainParams } from '../params.ts';
import { intrinsicGas } from './gas.ts';

export type InvalidTxCode =
  | 'WRONG_CHAIN_ID'
  | 'CONTRACT_CREATION'
  | 'NO_EVM'
  | 'OVERSIZED'
  | 'INTRINSIC_GAS'
  | 'GAS_LIMIT_ABOVE_BLOCK'
  | 'TIP_ABOVE_MAX_FEE'
  | 'UNDERPRICED'
  | 'NONCE_TOO_LOW'
  | 'NONCE_TOO_HIGH'
  | 'INSUFFICIENT_FUNDS'
  | 'LOCKED_FUNDS'
  | 'BLOCK_GAS_EXHAUSTED';

export class InvalidTxError extends OpenchainError<InvalidTxCode> {}

/** Checks that need no state: run once on admission and again when a block is verified. */
export function checkStatic(
  tx: SignedTx,
  chainId: bigint,
  params: ChainParams,
  modules: ModuleRegistry,
): void {
  if (tx.chainId !== chainId) {
    throw new InvalidTxError('WRONG_CHAIN_ID', `invalid chain id: expected ${chainId}, got ${tx.chainId}`);
  }
  if (tx.to === null) {
    throw new InvalidTxError(
      'CONTRACT_CREATION',
      'contract creation is not supported: this chain has no EVM',
    );
  }
  if (tx.data.length > 0 && !modules.get(tx.to)) {
    throw new InvalidTxError(
      'NO_EVM',
      `calldata sent to ${tx.to}, which is not a module address; this chain has no EVM, so plain transfers must have empty data`,
    );
  }
  if (tx.raw.length > params.maxTxBytes) {
    throw new InvalidTxError(
      'OVERSIZED',
      `oversized transaction: ${tx.raw.length} bytes, limit ${params.maxTxBytes}`,
    );
  }
  const intrinsic = intrinsicGas(tx);
  if (tx.gasLimit < intrinsic) {
    throw new InvalidTxError(
      'INTRINSIC_GAS',
      `intrinsic gas too low: gas limit ${tx.gasLimit}, needs at least ${intrinsic}`,
    );
  }
  if (tx.gasLimit > params.blockGasLimit) {
    throw new InvalidTxError(
      'GAS_LIMIT_ABOVE_BLOCK',
      `exceeds block gas limit: gas ${tx.gasLimit}, block limit ${params.blockGasLimit}`,
    );
  }
  if (tx.type === 2 && tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
    throw new InvalidTxError(
      'TIP_ABOVE_MAX_FEE',
      `max priority fee per gas higher than max fee per gas: tip ${tx.maxPriorityFeePerGas}, max fee ${tx.maxFeePerGas}`,
    );
  }
  if (maxFeePerGas(tx) < params.minBaseFee) {
    throw new InvalidTxError(
      'UNDERPRICED',
      `transaction underpriced: max fee per gas ${maxFeePerGas(tx)} below the minimum base fee ${params.minBaseFee}`,
    );
  }
}

/**
 * Checks against the sender's account and the block being built, right before execution.
 * `spendable` is the part of the balance no unlock schedule locks (docs/vesting.md): fees come out
 * of it alone.
 */
export function checkAgainstState(
  tx: SignedTx,
  sender: Address,
  account: Account,
  spendable: bigint,
  baseFee: bigint,
  gasLeftInBlock: bigint,
): void {
  if (tx.nonce < account.nonce) {
    throw new InvalidTxError(
      'NONCE_TOO_LOW',
      `nonce too low: next nonce ${account.nonce}, tx nonce ${tx.nonce}`,
    );
  }
  if (tx.nonce > account.nonce) {
    throw new InvalidTxError(
      'NONCE_TOO_HIGH',
      `nonce too high: next nonce ${account.nonce}, tx nonce ${tx.nonce}`,
    );
  }
  const maxFee = maxFeePerGas(tx);
  if (maxFee < baseFee) {
    throw new InvalidTxError(
      'UNDERPRICED',
      `max fee per gas less than block base fee: max fee ${maxFee}, base fee ${baseFee}`,
    );
  }
  const cost = tx.gasLimit * maxFee + tx.value;
  if (account.balance < cost) {
    throw new InvalidTxError(
      'INSUFFICIENT_FUNDS',
      `insufficient funds for gas * price + value: address ${sender} have ${account.balance} want ${cost}`,
    );
  }
  const fee = tx.gasLimit * maxFee;
  if (fee > spendable) {
    throw new InvalidTxError(
      'LOCKED_FUNDS',
      `insufficient spendable funds for gas * price: address ${sender} have ${account.balance}, of which ${spendable} is spendable (the rest is locked by an unlock schedule and cannot pay fees), want ${fee}`,
    );
  }
  if (tx.gasLimit > gasLeftInBlock) {
    throw new InvalidTxError(
      'BLOCK_GAS_EXHAUSTED',
      `block gas exhausted: tx gas ${tx.gasLimit}, left ${gasLeftInBlock}`,
    );
  }
}

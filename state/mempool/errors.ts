// Every way the pool turns a transaction away. The messages go back to wallet users verbatim (as
// JSON-RPC -32000 errors), so each says what is wrong and what the value should be; where geth has a
// wording, the message starts with it, because wallets and scripts match on those prefixes.
import { OpenchainError } from '../../core/errors.ts';

/** The pool's own rejection codes. Codes shared with state/execution/txValidity.ts mean the same thing. */
export type PoolErrorCode =
  | 'INVALID_ENCODING'
  | 'INVALID_SIGNATURE'
  | 'OVERSIZED'
  | 'ALREADY_KNOWN'
  | 'WRONG_CHAIN_ID'
  | 'TIP_ABOVE_MAX_FEE'
  | 'GAS_LIMIT_ABOVE_BLOCK'
  | 'UNDERPRICED'
  | 'NONCE_TOO_LOW'
  | 'NONCE_TOO_HIGH'
  | 'SENDER_LIMIT'
  | 'REPLACEMENT_UNDERPRICED'
  | 'INSUFFICIENT_FUNDS'
  | 'OVERDRAFT'
  | 'LOCKED_FUNDS'
  | 'POOL_FULL';

/**
 * A rejected transaction. `code` is a PoolErrorCode, or the code of the TxRules error it wraps (for
 * example 'INTRINSIC_GAS'), so callers catch one class whatever layer said no.
 */
export class MempoolError extends OpenchainError {}

function reject(code: PoolErrorCode, message: string, cause?: unknown): MempoolError {
  return new MempoolError(code, message, cause === undefined ? undefined : { cause });
}

export const rejection = {
  invalidEncoding: (cause: Error) => reject('INVALID_ENCODING', cause.message, cause),
  invalidSender: (cause: Error) => reject('INVALID_SIGNATURE', `invalid sender: ${cause.message}`, cause),
  oversized: (size: number, limit: number) =>
    reject('OVERSIZED', `oversized data: transaction is ${size} bytes, limit ${limit}`),
  alreadyKnown: () => reject('ALREADY_KNOWN', 'already known'),
  wrongChainId: (expected: bigint, got: bigint) =>
    reject('WRONG_CHAIN_ID', `invalid chain id: expected ${expected}, got ${got}`),
  tipAboveMaxFee: (tip: bigint, maxFee: bigint) =>
    reject(
      'TIP_ABOVE_MAX_FEE',
      `max priority fee per gas higher than max fee per gas: tip ${tip}, max fee ${maxFee}`,
    ),
  gasLimitAboveBlock: (gas: bigint, blockLimit: bigint) =>
    reject(
      'GAS_LIMIT_ABOVE_BLOCK',
      `exceeds block gas limit: tx gas limit ${gas}, block gas limit ${blockLimit}`,
    ),
  underpriced: (maxFee: bigint, minimum: bigint) =>
    reject('UNDERPRICED', `transaction underpriced: max fee per gas ${maxFee} below minimum ${minimum}`),
  nonceTooLow: (next: bigint, nonce: bigint) =>
    reject('NONCE_TOO_LOW', `nonce too low: next nonce ${next}, tx nonce ${nonce}`),
  nonceTooHigh: (next: bigint, nonce: bigint, maxGap: number) =>
    reject(
      'NONCE_TOO_HIGH',
      `nonce too far in the future: next nonce ${next}, tx nonce ${nonce}; at most ${maxGap} ahead of the next nonce is accepted`,
    ),
  senderLimit: (limit: number) =>
    reject(
      'SENDER_LIMIT',
      `account limit exceeded: the sender already has ${limit} pooled transactions, the most allowed; wait for some to be included`,
    ),
  replacementUnderpriced: (needFee: bigint, needTip: bigint, fee: bigint, tip: bigint, bumpPercent: number) =>
    reject(
      'REPLACEMENT_UNDERPRICED',
      `replacement transaction underpriced: needs max fee per gas >= ${needFee} and max priority fee per gas >= ${needTip} (a ${bumpPercent}% bump), got ${fee} and ${tip}`,
    ),
  insufficientFunds: (balance: bigint, cost: bigint) =>
    reject(
      'INSUFFICIENT_FUNDS',
      `insufficient funds for gas * price + value: balance ${balance}, tx cost ${cost}, overshot ${cost - balance}`,
    ),
  overdraft: (balance: bigint, cost: bigint, pooledCost: bigint, pooledCount: number) =>
    reject(
      'OVERDRAFT',
      `insufficient funds for gas * price + value: balance ${balance}, tx cost ${cost}, plus ${pooledCost} reserved by ${pooledCount} other pooled transactions of this sender, overshot ${cost + pooledCost - balance}`,
    ),
  lockedFunds: (
    balance: bigint,
    spendable: bigint,
    spend: bigint,
    pooledSpend: bigint,
    pooledCount: number,
  ) =>
    reject(
      'LOCKED_FUNDS',
      `insufficient spendable funds for gas * price + value: balance ${balance}, of which ${spendable} is spendable (the rest is locked by an unlock schedule: it can be staked, not transferred or spent on fees), tx needs ${spend}${pooledCount > 0 ? `, plus ${pooledSpend} reserved by ${pooledCount} other pooled transactions of this sender` : ''}`,
    ),
  poolFull: (worth: bigint, cheapest: bigint) =>
    reject(
      'POOL_FULL',
      `txpool is full: max fee per gas ${worth} does not beat ${cheapest}, the cheapest pooled transaction's (a transaction counts at the lowest max fee among its sender's earlier pooled ones)`,
    ),
  poolFullQueued: (next: bigint) =>
    reject(
      'POOL_FULL',
      `txpool is full: transactions waiting behind a missing nonce are the first to go when the pool is full; send nonce ${next} first`,
    ),
};

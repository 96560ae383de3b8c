// The pool's boundaries: what the node supplies (state reads, chain rules) and what callers get back.
import type { Address } from '../../core/address.ts';
import type { Hex } from '../../core/bytes.ts';
import type { SignedTx } from '../../core/tx.ts';

export interface AccountState {
  readonly nonce: bigint;
  readonly balance: bigint;
  /**
   * What the account's unlock schedule keeps locked at a block time (it only shrinks as time
   * passes). The pool asks at the latest block's time on every admission, so tokens that unlocked
   * since the account was read are spendable at once. Absent: nothing is locked.
   */
  readonly lockedAt?: (time: number) => bigint;
}

/** The latest committed state, supplied by the node. */
export interface AccountReader {
  getAccount(address: Address): AccountState | Promise<AccountState>;
}

/**
 * Chain-specific checks from the state layer (intrinsic gas, allowed destinations, no contract
 * creation, ...). Run on every admission after the sender is known.
 */
export interface TxRules {
  /** Throws an OpenchainError whose code and message explain the violation to the user. */
  check(tx: SignedTx, sender: Address): void;
  /** Lowest max fee per gas the chain can ever accept (the base-fee floor or minimum gas price). */
  minFeePerGas(): bigint;
  /** The chain's limits on one transaction, as the latest state sets them (governance may move them). */
  txLimits(): TxLimits;
  /** Whether value sent to `to` is staked, and so may be tokens an unlock schedule locks. */
  stakesValue(to: Address): boolean;
  /**
   * Time of the latest committed block, at which spendable balances are judged: they only grow with
   * time, so what is spendable then is spendable in the next block too.
   */
  headTime(): number;
}

export interface TxLimits {
  /** A transaction whose gas limit exceeds it can never be included. */
  readonly blockGasLimit: bigint;
  /** Largest encoded transaction, in bytes. */
  readonly maxTxBytes: number;
}

export interface PooledTx {
  readonly tx: SignedTx;
  readonly sender: Address;
}

export interface AddResult {
  readonly hash: Hex;
  readonly sender: Address;
  /** 'pending': executable now (nonces contiguous from the account nonce); 'queued': waits for a lower nonce. */
  readonly status: 'pending' | 'queued';
  /** The transaction with the same sender and nonce that this one replaced. */
  readonly replaced?: Hex;
  /** Transactions dropped to make room, cheapest first. */
  readonly evicted: readonly Hex[];
}

export interface BlockLimits {
  /** Base fee of the block being built: txs with a lower max fee are skipped (and kept). */
  readonly baseFee: bigint;
  readonly gasLimit: bigint;
  /** Budget for the sum of the selected transactions' encoded sizes. */
  readonly maxBytes: number;
  /** At most this many transactions (the proposer's time budget); absent: no count limit. */
  readonly maxTxs?: number;
}

export interface CommittedBlock {
  /** The block's transactions; anything with a hash (SignedTx works). */
  readonly txs: readonly { readonly hash: Hex }[];
  /**
   * Every account whose nonce or balance the block changed: senders, recipients, module payouts.
   * The pool re-reads those it holds transactions for; an account left out keeps a stale view.
   */
  readonly touched: readonly Address[];
}

export interface BlockUpdate {
  /** Pooled transactions that the block included. */
  readonly included: number;
  /** Dropped because the account nonce moved past them (another tx with that nonce was included). */
  readonly stale: number;
  /** Dropped (highest nonces first) because the new balance no longer covers them all. */
  readonly unfunded: number;
  /** Dropped because the block lowered the chain's transaction limits below them (governance). */
  readonly overLimit: number;
}

export interface MempoolStats {
  readonly pending: number;
  readonly queued: number;
  readonly senders: number;
  readonly bytes: number;
}

export interface SenderContent {
  readonly sender: Address;
  readonly pending: readonly SignedTx[];
  readonly queued: readonly SignedTx[];
}

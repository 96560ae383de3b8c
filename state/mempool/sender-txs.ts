// One sender's pooled transactions, sorted by nonce. The first `pendingCount` are pending: their
// nonces run without a gap from the account nonce, so they can execute now, in order. The rest are
// queued behind a missing nonce and are promoted as soon as the gap closes.
import type { Address } from '../../core/address.ts';
import { maxFeePerGas, type SignedTx } from '../../core/tx.ts';
import type { HeapItem } from './heap.ts';
import type { AccountState, PooledTx } from './types.ts';

export interface PoolTx extends PooledTx {
  /** Arrival order in this pool: the deterministic tie-break everywhere. */
  readonly seq: number;
  readonly maxFee: bigint;
  /** Max priority fee per gas (the gas price for legacy txs), as geth compares replacements. */
  readonly tipCap: bigint;
  /** value + gasLimit * maxFee: the most the tx can take from the balance. */
  readonly cost: bigint;
  /**
   * The most it can take from the spendable balance (docs/vesting.md): its cost, or only its fee if
   * its value is staked (staking may use locked tokens).
   */
  readonly spend: bigint;
  readonly size: number;
}

export function toPoolTx(tx: SignedTx, sender: Address, seq: number, stakesValue: boolean): PoolTx {
  const maxFee = maxFeePerGas(tx);
  const cost = tx.value + tx.gasLimit * maxFee;
  return {
    tx,
    sender,
    seq,
    maxFee,
    tipCap: tx.type === 0 ? tx.gasPrice : tx.maxPriorityFeePerGas,
    cost,
    spend: stakesValue ? cost - tx.value : cost,
    size: tx.raw.length,
  };
}

export class SenderTxs implements HeapItem {
  heapIndex = -1;
  readonly address: Address;
  /** Account nonce, balance and unlock schedule in the latest committed state the pool has seen. */
  nonce: bigint;
  balance: bigint;
  lockedAt: ((time: number) => bigint) | undefined;
  /** Sum of `cost` over all pooled txs. Kept <= balance, so every one of them can pay its worst case. */
  totalCost = 0n;
  /** Sum of `spend` over all pooled txs, kept <= spendable likewise. */
  totalSpend = 0n;
  pendingCount = 0;
  private readonly txs: PoolTx[] = [];
  /**
   * worths[i] = lowest max fee among txs[0..i]. A tx cannot run before its predecessors, so it is
   * worth no more than the cheapest of them; this is what eviction compares.
   */
  private readonly worths: bigint[] = [];

  constructor(address: Address, account: AccountState) {
    this.address = address;
    this.nonce = account.nonce;
    this.balance = account.balance;
    this.lockedAt = account.lockedAt;
  }

  /** What the balance leaves to transfer or pay fees with at block time `time` (docs/vesting.md). */
  spendableAt(time: number): bigint {
    const locked = this.lockedAt?.(time) ?? 0n;
    return this.balance > locked ? this.balance - locked : 0n;
  }

  get size(): number {
    return this.txs.length;
  }

  at(index: number): PoolTx {
    return this.txs[index]!;
  }

  get tail(): PoolTx {
    return this.txs[this.txs.length - 1]!;
  }

  /** Worth of the tail, i.e. the lowest max fee among all this sender's txs. */
  get worth(): bigint {
    return this.worths[this.worths.length - 1]!;
  }

  worthAt(index: number): bigint {
    return this.worths[index]!;
  }

  get tailQueued(): boolean {
    return this.pendingCount < this.txs.length;
  }

  /** The nonce the sender's next transaction should carry (eth_getTransactionCount 'pending'). */
  get pendingNonce(): bigint {
    return this.nonce + BigInt(this.pendingCount);
  }

  pending(): PoolTx[] {
    return this.txs.slice(0, this.pendingCount);
  }

  queued(): PoolTx[] {
    return this.txs.slice(this.pendingCount);
  }

  /** Index of the tx with this nonce, or -(insertion index) - 1 when there is none. */
  search(nonce: bigint): number {
    const txs = this.txs;
    let lo = 0;
    let hi = txs.length;
    // Appends are the common case: check the tail before bisecting.
    if (hi > 0 && txs[hi - 1]!.tx.nonce < nonce) return -hi - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const n = txs[mid]!.tx.nonce;
      if (n < nonce) lo = mid + 1;
      else if (n > nonce) hi = mid;
      else return mid;
    }
    return -lo - 1;
  }

  insertAt(index: number, ptx: PoolTx): void {
    this.txs.splice(index, 0, ptx);
    this.worths.splice(index, 0, 0n);
    this.recomputeWorths(index);
    this.totalCost += ptx.cost;
    this.totalSpend += ptx.spend;
    if (index === this.pendingCount) this.extendPending();
  }

  /** Swaps the tx at `index` for one with the same nonce; returns the old one. */
  replaceAt(index: number, ptx: PoolTx): PoolTx {
    const old = this.txs[index]!;
    this.txs[index] = ptx;
    this.recomputeWorths(index);
    this.totalCost += ptx.cost - old.cost;
    this.totalSpend += ptx.spend - old.spend;
    return old;
  }

  removeAt(index: number): PoolTx {
    const [old] = this.txs.splice(index, 1);
    this.worths.splice(index, 1);
    this.recomputeWorths(index);
    this.totalCost -= old!.cost;
    this.totalSpend -= old!.spend;
    if (index < this.pendingCount) this.pendingCount = index;
    return old!;
  }

  popTail(): PoolTx {
    return this.removeAt(this.txs.length - 1);
  }

  /**
   * A block executed this sender's txs up to `nonce`: drops those pooled and charges their worst-case
   * cost to the cached balance, a safe lower bound until the account is re-read.
   */
  includedThrough(nonce: bigint): PoolTx[] {
    const gone = this.advance(nonce + 1n);
    // Charging the whole cost to the balance takes it from the spendable part too: for a stake,
    // which may have used locked tokens instead, that is the safe bound.
    for (const ptx of gone) this.balance -= ptx.cost;
    return gone;
  }

  /**
   * Applies a re-read account: drops txs whose nonce it has passed, then the highest nonces until
   * the rest is affordable (dropping from the tail never leaves a gap). A nonce lower than the one
   * already known is an older read and does not move the nonce back.
   */
  refresh(account: AccountState, time: number): { stale: PoolTx[]; unfunded: PoolTx[] } {
    const stale = this.advance(account.nonce);
    this.balance = account.balance;
    this.lockedAt = account.lockedAt;
    const unfunded: PoolTx[] = [];
    while (this.totalCost > this.balance || this.totalSpend > this.spendableAt(time))
      unfunded.push(this.popTail());
    return { stale, unfunded };
  }

  private advance(nonce: bigint): PoolTx[] {
    if (nonce <= this.nonce) return [];
    const found = this.search(nonce);
    const k = found >= 0 ? found : -found - 1;
    const gone = this.txs.splice(0, k);
    this.worths.splice(0, k);
    this.recomputeWorths(0);
    for (const ptx of gone) {
      this.totalCost -= ptx.cost;
      this.totalSpend -= ptx.spend;
    }
    // Moving forward within the pending run keeps the rest of the run; past it, start over.
    this.pendingCount = nonce - this.nonce <= BigInt(this.pendingCount) ? this.pendingCount - k : 0;
    this.nonce = nonce;
    this.extendPending();
    return gone;
  }

  /** Promotes queued txs whose nonces now continue the pending run. */
  private extendPending(): void {
    const txs = this.txs;
    let n = this.pendingCount;
    let expected = this.nonce + BigInt(n);
    while (n < txs.length && txs[n]!.tx.nonce === expected) {
      n++;
      expected++;
    }
    this.pendingCount = n;
  }

  private recomputeWorths(from: number): void {
    const { txs, worths } = this;
    let worth = from > 0 ? worths[from - 1]! : undefined;
    for (let i = from; i < txs.length; i++) {
      const fee = txs[i]!.maxFee;
      if (worth === undefined || fee < worth) worth = fee;
      worths[i] = worth;
    }
  }
}

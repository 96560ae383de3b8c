// The transaction pool: admits transactions from JSON-RPC and gossip, hands the best executable ones
// to the block builder, and follows committed blocks. Policy is in README.md next to this file.
//
// Everything that touches pool structures runs synchronously; the only awaits are account reads.
// A read that straddles a committed block may be stale, so `epoch` (bumped per block) makes admission
// read again, and onBlockCommitted applies its own reads in block order.
import type { Address } from '../../core/address.ts';
import type { Hex } from '../../core/bytes.ts';
import { OpenchainError } from '../../core/errors.ts';
import { SignatureError } from '../../core/secp256k1.ts';
import { inlineRecovery, type SenderRecovery } from '../../core/senderRecovery.ts';
import { decodeTx, maxFeePerGas, type SignedTx, TxDecodeError } from '../../core/tx.ts';
import { type MempoolConfig, type MempoolOptions, mempoolConfig } from './config.ts';
import { MempoolError, rejection } from './errors.ts';
import { IndexedHeap } from './heap.ts';
import { checkReplacement, evictsBefore, outbids } from './policy.ts';
import { selectTxs } from './select.ts';
import { type PoolTx, SenderTxs, toPoolTx } from './sender-txs.ts';
import type {
  AccountReader,
  AddResult,
  BlockLimits,
  BlockUpdate,
  CommittedBlock,
  MempoolStats,
  PooledTx,
  SenderContent,
  TxLimits,
  TxRules,
} from './types.ts';

interface Evicted {
  readonly from: SenderTxs;
  readonly ptx: PoolTx;
}

export class Mempool {
  readonly config: MempoolConfig;
  private readonly accounts: AccountReader;
  private readonly rules: TxRules;
  /** Only senders with at least one pooled tx. */
  private readonly recovery: SenderRecovery;
  private readonly senders = new Map<Address, SenderTxs>();
  private readonly byHash = new Map<Hex, PoolTx>();
  /** Senders by how cheap their tail tx is; the top is the next eviction. */
  private readonly eviction = new IndexedHeap<SenderTxs>(evictsBefore);
  private bytes = 0;
  private seq = 0;
  private epoch = 0;
  private refreshes: Promise<unknown> = Promise.resolve();
  private readonly addedListeners: ((hash: Hex) => void)[] = [];
  /** The chain's limits at the last committed block (none before the first), to notice when a block lowers them. */
  private limits: TxLimits | undefined;
  private readonly availableListeners: (() => void)[] = [];

  constructor(
    options: MempoolOptions,
    accounts: AccountReader,
    rules: TxRules,
    recovery: SenderRecovery = inlineRecovery,
  ) {
    this.config = mempoolConfig(options);
    this.accounts = accounts;
    this.rules = rules;
    this.recovery = recovery;
  }

  /** eth_sendRawTransaction: decodes, checks, recovers the sender, admits. Rejects with MempoolError. */
  async add(raw: Uint8Array): Promise<AddResult> {
    this.checkSize(raw.length);
    let tx: SignedTx;
    try {
      tx = decodeTx(raw);
    } catch (err) {
      if (err instanceof TxDecodeError) throw rejection.invalidEncoding(err);
      throw err;
    }
    // Cheap checks first: sender recovery is the expensive step.
    this.checkStatic(tx);
    let sender: Address;
    try {
      sender = await this.recovery.recover(tx);
    } catch (err) {
      if (err instanceof SignatureError) throw rejection.invalidSender(err);
      throw err;
    }
    return this.admit(tx, sender);
  }

  /** For transactions already decoded and with a recovered sender (gossip validation does both). */
  async addDecoded(tx: SignedTx, sender: Address): Promise<AddResult> {
    this.checkSize(tx.raw.length);
    this.checkStatic(tx);
    return this.admit(tx, sender);
  }

  /**
   * Picks executable transactions for a block: highest effective tip first, each sender's in nonce
   * order, within the gas and byte budgets. Deterministic for a given pool content; changes nothing.
   */
  selectForBlock(limits: BlockLimits): PooledTx[] {
    return selectTxs(this.senders.values(), limits);
  }

  /**
   * Call after the block's state is committed (reads must see it). Included txs leave the pool at
   * once, so a proposal built before the returned promise settles cannot repeat them; the affected
   * senders are then re-read, which drops stale and unaffordable txs and promotes queued ones.
   */
  onBlockCommitted(block: CommittedBlock): Promise<BlockUpdate> {
    this.epoch++;
    const overLimit = this.dropOverLimits();
    // Highest included nonce per sender, so each sender's list is trimmed once, not once per tx.
    const highest = new Map<Address, bigint>();
    let included = 0;
    for (const { hash } of block.txs) {
      const ptx = this.byHash.get(hash);
      if (!ptx) continue;
      included++;
      const seen = highest.get(ptx.sender);
      if (seen === undefined || ptx.tx.nonce > seen) highest.set(ptx.sender, ptx.tx.nonce);
    }
    let stale = -included;
    for (const [address, nonce] of highest) {
      const from = this.senders.get(address)!;
      const gone = from.includedThrough(nonce);
      for (const ptx of gone) this.forget(ptx);
      this.settle(from);
      stale += gone.length;
    }
    const affected = new Set<Address>([...highest.keys(), ...block.touched]);
    const refresh = this.refreshes.then(() => this.refresh(affected));
    this.refreshes = refresh.catch(() => undefined);
    return refresh.then((dropped) => ({
      included,
      stale: stale + dropped.stale,
      unfunded: dropped.unfunded,
      overLimit,
    }));
  }

  /**
   * After a block that lowered the chain's limits (a governance change), drops every pooled tx they
   * no longer admit: no block could include it. A sender's later txs wait behind the gap it leaves.
   */
  private dropOverLimits(): number {
    const limits = { ...this.rules.txLimits() };
    const seen = this.limits;
    this.limits = limits;
    // Unknown before the first block since start: looked at once.
    if (seen && limits.blockGasLimit >= seen.blockGasLimit && limits.maxTxBytes >= seen.maxTxBytes) return 0;
    const over = [...this.byHash.values()].filter(
      (p) => p.size > limits.maxTxBytes || p.tx.gasLimit > limits.blockGasLimit,
    );
    for (const ptx of over) {
      const from = this.senders.get(ptx.sender)!;
      this.forget(from.removeAt(from.search(ptx.tx.nonce)));
      this.settle(from);
    }
    return over.length;
  }

  get(hash: Hex): PooledTx | undefined {
    return this.byHash.get(hash);
  }

  has(hash: Hex): boolean {
    return this.byHash.has(hash);
  }

  /** eth_getTransactionCount(address, 'pending'): account nonce plus the sender's pending txs. */
  async pendingNonce(address: Address): Promise<bigint> {
    const from = this.senders.get(address);
    if (from) return from.pendingNonce;
    return (await this.accounts.getAccount(address)).nonce;
  }

  get size(): number {
    return this.byHash.size;
  }

  stats(): MempoolStats {
    let pending = 0;
    for (const from of this.senders.values()) pending += from.pendingCount;
    return { pending, queued: this.byHash.size - pending, senders: this.senders.size, bytes: this.bytes };
  }

  /** Everything pooled, by sender address then nonce (txpool_content). */
  content(): SenderContent[] {
    return [...this.senders.values()]
      .sort((a, b) => (a.address < b.address ? -1 : 1))
      .map((from) => ({
        sender: from.address,
        pending: from.pending().map((p) => p.tx),
        queued: from.queued().map((p) => p.tx),
      }));
  }

  private checkSize(size: number): void {
    const { maxTxBytes } = this.rules.txLimits();
    if (size > maxTxBytes) throw rejection.oversized(size, maxTxBytes);
  }

  private checkStatic(tx: SignedTx): void {
    const { chainId } = this.config;
    const { blockGasLimit } = this.rules.txLimits();
    if (this.byHash.has(tx.hash)) throw rejection.alreadyKnown();
    if (tx.chainId !== chainId) throw rejection.wrongChainId(chainId, tx.chainId);
    if (tx.type === 2 && tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
      throw rejection.tipAboveMaxFee(tx.maxPriorityFeePerGas, tx.maxFeePerGas);
    }
    if (tx.gasLimit > blockGasLimit) throw rejection.gasLimitAboveBlock(tx.gasLimit, blockGasLimit);
    const minFee = this.rules.minFeePerGas();
    if (maxFeePerGas(tx) < minFee) throw rejection.underpriced(maxFeePerGas(tx), minFee);
  }

  private async admit(tx: SignedTx, sender: Address): Promise<AddResult> {
    try {
      this.rules.check(tx, sender);
    } catch (err) {
      if (err instanceof OpenchainError && !(err instanceof MempoolError)) {
        throw new MempoolError(err.code, err.message, { cause: err });
      }
      throw err;
    }
    for (;;) {
      const known = this.senders.get(sender);
      if (known) return this.announce(this.insert(known, tx));
      const epoch = this.epoch;
      const account = await this.accounts.getAccount(sender);
      // Meanwhile another add may have pooled a tx of this sender (its view wins), or a block may
      // have committed and made this read stale (read again).
      if (epoch === this.epoch && !this.senders.has(sender)) {
        return this.announce(this.insert(new SenderTxs(sender, account), tx));
      }
    }
  }

  /** Calls `listener` with the hash of each admitted transaction, local or gossiped (pending-tx filters). */
  onAdded(listener: (hash: Hex) => void): void {
    this.addedListeners.push(listener);
  }

  /**
   * Calls `listener` whenever the pool may have gained executable transactions: a pending one was
   * admitted, or a committed block's re-read left some pending. Consensus waiting for transactions
   * wakes on it instead of polling.
   */
  onTxsAvailable(listener: () => void): void {
    this.availableListeners.push(listener);
  }

  private txsAvailable(): void {
    for (const listener of this.availableListeners) listener();
  }

  private announce(result: AddResult): AddResult {
    for (const listener of this.addedListeners) listener(result.hash);
    if (result.status === 'pending') this.txsAvailable();
    return result;
  }

  /** All stateful checks and the insertion, in one synchronous step. */
  private insert(from: SenderTxs, tx: SignedTx): AddResult {
    const cfg = this.config;
    if (this.byHash.has(tx.hash)) throw rejection.alreadyKnown();
    if (tx.nonce < from.nonce) throw rejection.nonceTooLow(from.nonce, tx.nonce);
    const ptx = toPoolTx(tx, from.address, this.seq++, tx.to !== null && this.rules.stakesValue(tx.to));
    let index = from.search(tx.nonce);
    const old = index >= 0 ? from.at(index) : undefined;
    if (old) {
      checkReplacement(old, ptx, cfg.priceBumpPercent);
    } else {
      index = -index - 1;
      if (from.size >= cfg.maxTxsPerSender) throw rejection.senderLimit(cfg.maxTxsPerSender);
      const next = from.pendingNonce;
      if (tx.nonce > next + BigInt(cfg.maxNonceGap))
        throw rejection.nonceTooHigh(next, tx.nonce, cfg.maxNonceGap);
    }
    this.checkFunds(from, ptx, old);

    if (old) {
      from.replaceAt(index, ptx);
      this.forget(old);
    } else {
      from.insertAt(index, ptx);
    }
    this.remember(ptx);
    this.settle(from);
    const evicted = this.makeRoom(from, index, old);
    return {
      hash: tx.hash,
      sender: from.address,
      status: index < from.pendingCount ? 'pending' : 'queued',
      ...(old && { replaced: old.tx.hash }),
      evicted: evicted.map((e) => e.ptx.tx.hash),
    };
  }

  /**
   * Every pooled tx of the sender, this one included, must be payable from the balance at once, and
   * what they would transfer or pay in fees from the spendable balance (docs/vesting.md).
   */
  private checkFunds(from: SenderTxs, ptx: PoolTx, replacing: PoolTx | undefined): void {
    if (ptx.cost > from.balance) throw rejection.insufficientFunds(from.balance, ptx.cost);
    const count = from.size - (replacing ? 1 : 0);
    const others = from.totalCost - (replacing?.cost ?? 0n);
    if (others + ptx.cost > from.balance) throw rejection.overdraft(from.balance, ptx.cost, others, count);
    const othersSpend = from.totalSpend - (replacing?.spend ?? 0n);
    const spendable = from.spendableAt(this.rules.headTime());
    if (othersSpend + ptx.spend > spendable)
      throw rejection.lockedFunds(from.balance, spendable, ptx.spend, othersSpend, count);
  }

  /**
   * Evicts tails, cheapest first, until the pool is within its limits, as long as each victim is
   * worth less than the newcomer at `from[index]`. Otherwise undoes everything and rejects it.
   */
  private makeRoom(from: SenderTxs, index: number, replaced: PoolTx | undefined): Evicted[] {
    const evicted: Evicted[] = [];
    const pending = index < from.pendingCount;
    const worth = from.worthAt(index);
    while (this.byHash.size > this.config.maxTxs || this.bytes > this.config.maxPoolBytes) {
      const victim = this.eviction.peek()!;
      if (!outbids(pending, worth, victim)) {
        const error = pending
          ? rejection.poolFull(worth, victim.worth)
          : rejection.poolFullQueued(from.pendingNonce);
        this.undo(from, index, replaced, evicted);
        throw error;
      }
      const ptx = victim.popTail();
      this.forget(ptx);
      this.settle(victim);
      evicted.push({ from: victim, ptx });
    }
    return evicted;
  }

  private undo(from: SenderTxs, index: number, replaced: PoolTx | undefined, evicted: Evicted[]): void {
    for (let i = evicted.length - 1; i >= 0; i--) {
      const { from: victim, ptx } = evicted[i]!;
      victim.insertAt(victim.size, ptx);
      this.remember(ptx);
      this.settle(victim);
    }
    const added = replaced ? from.replaceAt(index, replaced) : from.removeAt(index);
    this.forget(added);
    if (replaced) this.remember(replaced);
    this.settle(from);
  }

  private remember(ptx: PoolTx): void {
    this.byHash.set(ptx.tx.hash, ptx);
    this.bytes += ptx.size;
  }

  private forget(ptx: PoolTx): void {
    this.byHash.delete(ptx.tx.hash);
    this.bytes -= ptx.size;
  }

  /** Registers, re-keys or unregisters a sender after its txs changed. */
  private settle(from: SenderTxs): void {
    if (from.size === 0) {
      if (from.heapIndex >= 0) this.eviction.remove(from);
      if (this.senders.get(from.address) === from) this.senders.delete(from.address);
    } else if (from.heapIndex < 0) {
      this.senders.set(from.address, from);
      this.eviction.push(from);
    } else {
      this.eviction.update(from);
    }
  }

  private async refresh(addresses: Set<Address>): Promise<{ stale: number; unfunded: number }> {
    const held = [...addresses].filter((a) => this.senders.has(a));
    const states = await Promise.all(held.map((a) => this.accounts.getAccount(a)));
    let stale = 0;
    let unfunded = 0;
    for (const [i, address] of held.entries()) {
      const from = this.senders.get(address);
      if (!from) continue;
      const dropped = from.refresh(states[i]!, this.rules.headTime());
      for (const ptx of dropped.stale) this.forget(ptx);
      for (const ptx of dropped.unfunded) this.forget(ptx);
      this.settle(from);
      stale += dropped.stale.length;
      unfunded += dropped.unfunded.length;
    }
    // A re-read can promote queued transactions (the account's nonce moved past a gap).
    if (held.some((a) => (this.senders.get(a)?.pendingCount ?? 0) > 0)) this.txsAvailable();
    return { stale, unfunded };
  }
}

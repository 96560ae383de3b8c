// Block building: the highest effective tip first across senders, each sender's pending txs in nonce
// order (geth's TransactionsByPriceAndNonce). Only each sender's next tx competes, so the heap holds
// one cursor per sender. It is rebuilt per call rather than kept, because effective tips depend on
// the base fee, which changes every block; the cost is O(senders + selected * log senders).
import { effectiveTip } from '../../core/tx.ts';
import { type HeapItem, IndexedHeap } from './heap.ts';
import type { PoolTx, SenderTxs } from './sender-txs.ts';
import type { BlockLimits } from './types.ts';

/** No transaction needs less than Ethereum's base cost (GAS.txBase in state/execution/gas.ts). */
const MIN_TX_GAS = 21_000n;

interface Cursor extends HeapItem {
  readonly sender: SenderTxs;
  index: number;
  tip: bigint;
  seq: number;
}

/** Higher tip first; equal tips in arrival order. seq is unique, so the order is total. */
function before(a: Cursor, b: Cursor): boolean {
  return a.tip !== b.tip ? a.tip > b.tip : a.seq < b.seq;
}

/** Points the cursor at the sender's pending tx `index`; false if there is none or it cannot pay the base fee. */
function aim(cursor: Cursor, index: number, baseFee: bigint): boolean {
  if (index >= cursor.sender.pendingCount) return false;
  const ptx = cursor.sender.at(index);
  if (ptx.maxFee < baseFee) return false;
  cursor.index = index;
  cursor.tip = effectiveTip(ptx.tx, baseFee);
  cursor.seq = ptx.seq;
  return true;
}

/** Does not modify the pool: a proposed block may never commit. */
export function selectTxs(senders: Iterable<SenderTxs>, limits: BlockLimits): PoolTx[] {
  const { baseFee } = limits;
  const heap = new IndexedHeap<Cursor>(before);
  for (const sender of senders) {
    const cursor: Cursor = { heapIndex: -1, sender, index: 0, tip: 0n, seq: 0 };
    if (aim(cursor, 0, baseFee)) heap.push(cursor);
  }
  const selected: PoolTx[] = [];
  let gasLeft = limits.gasLimit;
  let bytesLeft = limits.maxBytes;
  const maxTxs = limits.maxTxs ?? Number.POSITIVE_INFINITY;
  for (
    let cursor = heap.peek();
    cursor && gasLeft >= MIN_TX_GAS && selected.length < maxTxs;
    cursor = heap.peek()
  ) {
    const ptx = cursor.sender.at(cursor.index);
    if (ptx.tx.gasLimit > gasLeft || ptx.size > bytesLeft) {
      // The sender's later nonces cannot go before this one: skip the sender for this block.
      heap.remove(cursor);
      continue;
    }
    selected.push(ptx);
    gasLeft -= ptx.tx.gasLimit;
    bytesLeft -= ptx.size;
    if (aim(cursor, cursor.index + 1, baseFee)) heap.update(cursor);
    else heap.remove(cursor);
  }
  return selected;
}

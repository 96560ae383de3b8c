// Executes a block's transactions on a fresh overlay of the parent state and totals their fees (the
// end-of-block step, endBlock.ts, settles them). 'build' mode (the proposer) skips transactions that cannot be included; 'verify' mode (everyone
// checking a proposal) treats the first such transaction as proof that the block is invalid.
import type { Address } from '../../core/address.ts';
import { BLOOM_BYTES, bloomForLogs, orBloom } from '../../core/bloom.ts';
import type { SignedTx } from '../../core/tx.ts';
import { StateOverlay, type StateReader } from '../stateDb.ts';
import type { StoredReceipt } from '../store/receipts.ts';
import { executeTx, type TxEnv } from './executeTx.ts';
import { InvalidTxError } from './txValidity.ts';

export interface SenderTx {
  readonly tx: SignedTx;
  readonly sender: Address;
}

export interface BlockEnv extends TxEnv {
  readonly gasLimit: bigint;
}

export interface BlockExecution {
  readonly state: StateOverlay;
  readonly included: SenderTx[];
  readonly receipts: StoredReceipt[];
  /** Transactions left out in build mode, with the reason (the mempool drops them). */
  readonly skipped: { item: SenderTx; error: InvalidTxError }[];
  readonly gasUsed: bigint;
  readonly logsBloom: Uint8Array;
  /** Base fees paid by the included transactions (gas used × base fee), not yet settled. */
  readonly baseFees: bigint;
  /** Priority fees paid by the included transactions, not yet settled. */
  readonly tips: bigint;
}

export class InvalidBlockError extends Error {
  readonly code = 'INVALID_BLOCK';
}

export function executeBlock(
  parent: StateReader,
  env: BlockEnv,
  txs: readonly SenderTx[],
  mode: 'build' | 'verify',
  maxTxBytes = Number.POSITIVE_INFINITY,
): BlockExecution {
  const state = new StateOverlay(parent);
  const included: SenderTx[] = [];
  const receipts: StoredReceipt[] = [];
  const skipped: { item: SenderTx; error: InvalidTxError }[] = [];
  const logsBloom = new Uint8Array(BLOOM_BYTES);
  let gasUsed = 0n;
  let baseFees = 0n;
  let tips = 0n;
  let logCount = 0;
  let bytes = 0;

  for (const item of txs) {
    if (mode === 'build' && bytes + item.tx.raw.length > maxTxBytes) break;
    let outcome: ReturnType<typeof executeTx>;
    try {
      outcome = executeTx(state, env, item.tx, item.sender, env.gasLimit - gasUsed);
    } catch (err) {
      if (!(err instanceof InvalidTxError)) throw err;
      if (mode === 'verify') {
        throw new InvalidBlockError(
          `transaction ${item.tx.hash} (#${included.length}) is invalid: ${err.message}`,
        );
      }
      skipped.push({ item, error: err });
      continue;
    }
    bytes += item.tx.raw.length;
    gasUsed += outcome.gasUsed;
    baseFees += outcome.gasUsed * env.baseFee;
    tips += outcome.gasUsed * (outcome.effectiveGasPrice - env.baseFee);
    if (outcome.logs.length > 0) orBloom(logsBloom, bloomForLogs(outcome.logs));
    receipts.push({
      status: outcome.status,
      gasUsed: outcome.gasUsed,
      cumulativeGasUsed: gasUsed,
      logs: outcome.logs,
      from: item.sender,
      effectiveGasPrice: outcome.effectiveGasPrice,
      firstLogIndex: logCount,
      error: outcome.error,
      errorCode: outcome.errorCode,
    });
    logCount += outcome.logs.length;
    included.push(item);
  }

  return { state, included, receipts, skipped, gasUsed, logsBloom, baseFees, tips };
}

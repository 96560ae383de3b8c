// Ethereum JSON shapes for blocks, transactions, receipts and logs. Quantities are minimal hex,
// data is 0x hex; fields Ethereum has and this chain does not (uncles, difficulty, nonce, mixHash)
// carry their post-merge constant values so that clients parse blocks unchanged.
import type { Header } from '../core/block.ts';
import { bloomForLogs } from '../core/bloom.ts';
import { bigintToHex, bytesToHex, type Hex } from '../core/bytes.ts';
import type { Log } from '../core/receipt.ts';
import type { SignedTx } from '../core/tx.ts';
import { effectiveGasPrice } from '../state/execution/gas.ts';
import type { StoredReceipt } from '../state/store/receipts.ts';
import { failureReason } from './failure.ts';
import type { JsonValue } from './jsonrpc.ts';

const q = (n: bigint | number) => bigintToHex(BigInt(n));
const ZERO32: Hex = `0x${'00'.repeat(32)}`;
/** keccak256(RLP([])): the uncles hash of every block without uncles. */
const EMPTY_UNCLES_HASH: Hex = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';

export interface TxLocation {
  readonly blockHash: Hex;
  readonly blockNumber: number;
  readonly index: number;
  readonly baseFee: bigint;
}

export function formatTx(tx: SignedTx, from: string, at: TxLocation | null): JsonValue {
  const out: Record<string, JsonValue> = {
    hash: tx.hash,
    type: q(tx.type),
    chainId: q(tx.chainId),
    nonce: q(tx.nonce),
    from,
    to: tx.to,
    value: q(tx.value),
    gas: q(tx.gasLimit),
    input: bytesToHex(tx.data),
    r: q(tx.r),
    s: q(tx.s),
    blockHash: at?.blockHash ?? null,
    blockNumber: at ? q(at.blockNumber) : null,
    transactionIndex: at ? q(at.index) : null,
  };
  if (tx.type === 0) {
    out['gasPrice'] = q(tx.gasPrice);
    out['v'] = q(tx.chainId * 2n + 35n + BigInt(tx.yParity));
  } else {
    out['gasPrice'] = q(at ? effectiveGasPrice(tx, at.baseFee) : tx.maxFeePerGas);
    out['maxFeePerGas'] = q(tx.maxFeePerGas);
    out['maxPriorityFeePerGas'] = q(tx.maxPriorityFeePerGas);
    out['accessList'] = tx.accessList.map((e) => ({ address: e.address, storageKeys: [...e.storageKeys] }));
    out['v'] = q(tx.yParity);
    out['yParity'] = q(tx.yParity);
  }
  return out;
}

export interface LogLocation {
  readonly blockHash: Hex;
  readonly blockNumber: number;
  /** null for an event of the block's end-of-block step, which belongs to no transaction. */
  readonly txHash: Hex | null;
  readonly txIndex: number | null;
  /** In the block: its transactions' logs first, then its end-of-block events. */
  readonly logIndex: number;
}

export function formatLog(log: Log, at: LogLocation): JsonValue {
  return {
    address: log.address,
    topics: [...log.topics],
    data: bytesToHex(log.data),
    blockHash: at.blockHash,
    blockNumber: q(at.blockNumber),
    transactionHash: at.txHash,
    transactionIndex: at.txIndex === null ? null : q(at.txIndex),
    logIndex: q(at.logIndex),
    removed: false,
  };
}

export function formatReceipt(tx: SignedTx, r: StoredReceipt, at: TxLocation): JsonValue {
  const out: Record<string, JsonValue> = {
    transactionHash: tx.hash,
    transactionIndex: q(at.index),
    blockHash: at.blockHash,
    blockNumber: q(at.blockNumber),
    from: r.from,
    to: tx.to,
    cumulativeGasUsed: q(r.cumulativeGasUsed),
    gasUsed: q(r.gasUsed),
    effectiveGasPrice: q(r.effectiveGasPrice),
    contractAddress: null,
    logs: r.logs.map((log, i) =>
      formatLog(log, {
        blockHash: at.blockHash,
        blockNumber: at.blockNumber,
        txHash: tx.hash,
        txIndex: at.index,
        logIndex: r.firstLogIndex + i,
      }),
    ),
    logsBloom: bytesToHex(bloomForLogs(r.logs)),
    status: q(r.status),
    type: q(tx.type),
  };
  // Not Ethereum fields: why a failed transaction failed (there is no revert data to replay), as
  // "CODE: message", and the stable code alone for programs to branch on.
  if (r.status === 0) {
    out['failureReason'] = failureReason(r);
    out['errorCode'] = r.errorCode;
  }
  return out;
}

/** A header as eth_subscribe('newHeads') sends it: a block without transactions, uncles and size. */
export function formatHeader(header: Header, hash: Hex): Record<string, JsonValue> {
  return {
    number: q(header.height),
    hash,
    parentHash: header.parentHash,
    nonce: '0x0000000000000000',
    sha3Uncles: EMPTY_UNCLES_HASH,
    logsBloom: bytesToHex(header.logsBloom),
    transactionsRoot: header.txRoot,
    stateRoot: header.stateRoot,
    receiptsRoot: header.receiptsRoot,
    miner: header.proposer,
    difficulty: '0x0',
    totalDifficulty: '0x0',
    extraData: '0x',
    gasLimit: q(header.gasLimit),
    gasUsed: q(header.gasUsed),
    timestamp: q(Math.floor(header.time / 1000)),
    mixHash: ZERO32,
    baseFeePerGas: q(header.baseFeePerGas),
  };
}

export function formatBlock(header: Header, hash: Hex, size: number, transactions: JsonValue[]): JsonValue {
  return { ...formatHeader(header, hash), size: q(size), transactions, uncles: [] };
}

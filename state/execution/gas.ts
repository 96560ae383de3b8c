// The gas schedule and the EIP-1559 base fee rule. Gas costs are fixed per operation (as in the
// Cosmos SDK) rather than metered per instruction: there is no EVM. See docs/gas.md.
import type { UnsignedTx } from '../../core/tx.ts';
import type { ChainParams } from '../params.ts';

export const GAS = {
  /** Every transaction; a plain OPEN transfer costs exactly this (as on Ethereum). */
  txBase: 21_000n,
  calldataZeroByte: 4n,
  calldataNonZeroByte: 16n,
  accessListAddress: 2_400n,
  accessListStorageKey: 1_900n,
} as const;

// Intrinsic gas by transaction: checked when a block is verified and charged when it executes, so
// an 11 KB record's calldata is counted once instead of twice.
const intrinsicByTx = new WeakMap<UnsignedTx, bigint>();

/** Gas charged before execution: the base cost, calldata, and access-list entries (EIP-2930 prices). */
export function intrinsicGas(tx: UnsignedTx): bigint {
  // A plain transfer (no calldata, no access list) costs the base: no need to remember it per
  // transaction, and the WeakMap's entry cost more than the answer.
  if (tx.data.length === 0 && (tx.type === 0 || tx.accessList.length === 0)) return GAS.txBase;
  let gas = intrinsicByTx.get(tx);
  if (gas === undefined) {
    gas = computeIntrinsicGas(tx);
    intrinsicByTx.set(tx, gas);
  }
  return gas;
}

function computeIntrinsicGas(tx: UnsignedTx): bigint {
  // Zero bytes counted as a plain number and converted once: a BigInt addition per byte took about
  // 160 µs for an 11 KB inference record, more than the rest of its checks.
  const zeros = countZeroBytes(tx.data);
  let gas =
    GAS.txBase +
    GAS.calldataZeroByte * BigInt(zeros) +
    GAS.calldataNonZeroByte * BigInt(tx.data.length - zeros);
  if (tx.type === 2) {
    for (const entry of tx.accessList) {
      gas += GAS.accessListAddress + GAS.accessListStorageKey * BigInt(entry.storageKeys.length);
    }
  }
  return gas;
}

/**
 * Zero bytes in `data`, four at a time over its 4-byte-aligned middle: a byte-by-byte loop with a
 * data-dependent branch took about 35 µs on 11 KB of calldata here, this about 11 µs. Calldata is a
 * view into the raw transaction at any offset, so the bytes before the first aligned word and
 * after the last are counted one by one. For each word x,
 * ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f) has the high bit of exactly its zero bytes
 * set (no carry crosses a byte), and the multiply sums those bits into the top byte.
 */
export function countZeroBytes(data: Uint8Array): number {
  let zeros = 0;
  let i = 0;
  if (data.length >= 64) {
    const head = (4 - (data.byteOffset % 4)) % 4;
    for (; i < head; i++) if (data[i] === 0) zeros++;
    const words = new Int32Array(data.buffer, data.byteOffset + head, (data.length - head) >>> 2);
    for (let k = 0; k < words.length; k++) {
      const x = words[k]!;
      if (x === 0) {
        zeros += 4;
        continue;
      }
      const high = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      zeros += Math.imul((high >>> 7) & 0x01010101, 0x01010101) >>> 24;
    }
    i = head + words.length * 4;
  }
  for (; i < data.length; i++) if (data[i] === 0) zeros++;
  return zeros;
}

export interface ParentGas {
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  readonly baseFeePerGas: bigint;
}

/** EIP-1559 base fee of the child of `parent`, never below params.minBaseFee. */
export function nextBaseFee(parent: ParentGas, params: ChainParams): bigint {
  const target = parent.gasLimit / BigInt(params.elasticityMultiplier);
  const denominator = BigInt(params.baseFeeChangeDenominator);
  const base = parent.baseFeePerGas;
  let next = base;
  if (target > 0n && parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / denominator;
    next = base + (delta > 1n ? delta : 1n);
  } else if (target > 0n && parent.gasUsed < target) {
    next = base - (base * (target - parent.gasUsed)) / target / denominator;
  }
  return next > params.minBaseFee ? next : params.minBaseFee;
}

/** What the sender pays per gas in a block with this base fee (assumes maxFee >= baseFee). */
export function effectiveGasPrice(tx: UnsignedTx, baseFee: bigint): bigint {
  if (tx.type === 0) return tx.gasPrice;
  const capped = baseFee + tx.maxPriorityFeePerGas;
  return capped < tx.maxFeePerGas ? capped : tx.maxFeePerGas;
}

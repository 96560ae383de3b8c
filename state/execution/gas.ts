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

/** Gas charged before execution: the base cost, calldata, and access-list entries (EIP-2930 prices). */
export function intrinsicGas(tx: UnsignedTx): bigint {
  let gas = GAS.txBase;
  for (const byte of tx.data) gas += byte === 0 ? GAS.calldataZeroByte : GAS.calldataNonZeroByte;
  if (tx.type === 2) {
    for (const entry of tx.accessList) {
      gas += GAS.accessListAddress + GAS.accessListStorageKey * BigInt(entry.storageKeys.length);
    }
  }
  return gas;
}

export interface ParentGas {
  readonly gasLimit: bigint;
  readonly gasUsed: bigint;
  readonly baseFeePerGas: bigint;
}

/** EIP-1559 base fee of the child of `parent`, never below params.minBaseFee. */
export function nextBaseFee(parent: ParentGas, params: ChainParams): bigint {
  const target = parent.gasLimit / params.elasticityMultiplier;
  const base = parent.baseFeePerGas;
  let next = base;
  if (target > 0n && parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / params.baseFeeChangeDenominator;
    next = base + (delta > 1n ? delta : 1n);
  } else if (target > 0n && parent.gasUsed < target) {
    next = base - (base * (target - parent.gasUsed)) / target / params.baseFeeChangeDenominator;
  }
  return next > params.minBaseFee ? next : params.minBaseFee;
}

/** What the sender pays per gas in a block with this base fee (assumes maxFee >= baseFee). */
export function effectiveGasPrice(tx: UnsignedTx, baseFee: bigint): bigint {
  if (tx.type === 0) return tx.gasPrice;
  const capped = baseFee + tx.maxPriorityFeePerGas;
  return capped < tx.maxFeePerGas ? capped : tx.maxFeePerGas;
}

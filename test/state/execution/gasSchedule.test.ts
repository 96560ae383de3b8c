// The intrinsic gas schedule against the published numbers, written out as literals (never read from
// the module's own constants, so a wrong constant cannot agree with itself): 21,000 per transaction
// (Yellow Paper G_transaction), 4 per zero and 16 per non-zero calldata byte (EIP-2028), 2,400 per
// access-list address and 1,900 per storage key (EIP-2930). Contract creation (53,000 on Ethereum)
// never reaches the schedule here: checkStatic refuses it first, as this chain has no EVM.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../core/address.ts';
import type { AccessList, DynamicFeeTxFields, LegacyTxFields } from '../../../core/tx.ts';
import { effectiveGasPrice, intrinsicGas } from '../../../state/execution/gas.ts';

const TO: Address = '0x000000000000000000000000000000000000beef';
const KEY = `0x${'11'.repeat(32)}` as const;

function dynamic(data: number[], accessList: AccessList = []): DynamicFeeTxFields {
  return {
    type: 2,
    chainId: 1n,
    nonce: 0n,
    maxFeePerGas: 100n,
    maxPriorityFeePerGas: 2n,
    gasLimit: 1_000_000n,
    to: TO,
    value: 0n,
    data: Uint8Array.from(data),
    accessList,
  };
}

function legacy(data: number[]): LegacyTxFields {
  return {
    type: 0,
    chainId: 1n,
    nonce: 0n,
    gasPrice: 7n,
    gasLimit: 1_000_000n,
    to: TO,
    value: 0n,
    data: Uint8Array.from(data),
  };
}

describe('intrinsic gas, as published', () => {
  it('is 21,000 for a transaction without calldata, legacy or EIP-1559', () => {
    expect(intrinsicGas(legacy([]))).toBe(21_000n);
    expect(intrinsicGas(dynamic([]))).toBe(21_000n);
  });

  it('adds 4 per zero and 16 per non-zero calldata byte (EIP-2028)', () => {
    expect(intrinsicGas(dynamic([0]))).toBe(21_004n);
    expect(intrinsicGas(dynamic([1]))).toBe(21_016n);
    expect(intrinsicGas(legacy([0, 0xff, 0, 0, 0x80]))).toBe(21_044n); // 3 × 4 + 2 × 16
    // 64 bytes or more take the word-at-a-time count: 40 zeros and 60 non-zero bytes.
    const long = Array.from({ length: 100 }, (_, i) => (i % 5 < 2 ? 0 : i));
    expect(intrinsicGas(dynamic(long))).toBe(21_000n + 40n * 4n + 60n * 16n);
    expect(intrinsicGas(dynamic(new Array(128).fill(0)))).toBe(21_512n);
  });

  it('adds 2,400 per access-list address and 1,900 per storage key (EIP-2930)', () => {
    expect(intrinsicGas(dynamic([], [{ address: TO, storageKeys: [] }]))).toBe(23_400n);
    expect(intrinsicGas(dynamic([], [{ address: TO, storageKeys: [KEY] }]))).toBe(25_300n);
    const list: AccessList = [
      { address: TO, storageKeys: [KEY, KEY] },
      { address: TO, storageKeys: [] },
      { address: TO, storageKeys: [KEY] },
    ];
    // 3 × 2,400 + 3 × 1,900, plus one zero and one non-zero calldata byte.
    expect(intrinsicGas(dynamic([0, 1], list))).toBe(21_000n + 7_200n + 5_700n + 20n);
  });

  it('is the same when asked again for the same transaction', () => {
    const tx = dynamic([0, 1], [{ address: TO, storageKeys: [KEY] }]);
    expect(intrinsicGas(tx)).toBe(25_320n);
    expect(intrinsicGas(tx)).toBe(25_320n);
  });
});

describe('effectiveGasPrice', () => {
  it('is the gas price of a legacy transaction, whatever the base fee', () => {
    expect(effectiveGasPrice(legacy([]), 3n)).toBe(7n);
  });

  it('is base fee plus tip for an EIP-1559 transaction, capped at its max fee', () => {
    expect(effectiveGasPrice(dynamic([]), 10n)).toBe(12n);
    expect(effectiveGasPrice(dynamic([]), 98n)).toBe(100n);
    expect(effectiveGasPrice(dynamic([]), 99n)).toBe(100n);
  });
});

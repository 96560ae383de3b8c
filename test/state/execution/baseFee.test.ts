// The EIP-1559 base fee against go-ethereum's published vectors (TestCalcBaseFee in
// consensus/misc/eip1559/eip1559_test.go: initial base fee 1 gwei, elasticity 2, change
// denominator 8, which are Ethereum's and our defaults), plus this chain's one rule of its own:
// the base fee never falls below the minimum base fee.
import { describe, expect, it } from 'vitest';
import { nextBaseFee } from '../../../state/execution/gas.ts';
import type { ChainParams } from '../../../state/params.ts';

const params: ChainParams = {
  blockGasLimit: 20_000_000n,
  maxTxBytes: 131_072,
  maxBlockTxBytes: 16_777_216,
  minBaseFee: 7n,
  baseFeeChangeDenominator: 8,
  elasticityMultiplier: 2,
  baseFeeBurnBps: 10_000,
  treasury: '0x0000000000000000000000000000000000007ea5',
  evidenceMaxAgeBlocks: 100,
};

const next = (baseFeePerGas: bigint, gasLimit: bigint, gasUsed: bigint, p: ChainParams = params) =>
  nextBaseFee({ baseFeePerGas, gasLimit, gasUsed }, p);

describe('nextBaseFee', () => {
  it("matches go-ethereum's TestCalcBaseFee vectors", () => {
    const vectors: [bigint, bigint, bigint, bigint][] = [
      [1_000_000_000n, 20_000_000n, 10_000_000n, 1_000_000_000n], // usage == target
      [1_000_000_000n, 20_000_000n, 9_000_000n, 987_500_000n], // usage below target
      [1_000_000_000n, 20_000_000n, 11_000_000n, 1_012_500_000n], // usage above target
      [1_000_000_000n, 20_000_000n, 20_000_000n, 1_125_000_000n], // usage full
      [1_000_000_000n, 20_000_000n, 0n, 875_000_000n], // usage 0
    ];
    for (const [base, limit, used, want] of vectors) expect(next(base, limit, used)).toBe(want);
  });

  it('rises by at least 1 wei above target, as EIP-1559 specifies', () => {
    // delta = 100 × 1 / 10,000,000 / 8 rounds to 0; the rule makes it 1.
    expect(next(100n, 20_000_000n, 10_000_001n)).toBe(101n);
    // delta = 1,600,000 × 1,000,000 / 10,000,000 / 8 = 20,000 exactly.
    expect(next(1_600_000n, 20_000_000n, 11_000_000n)).toBe(1_620_000n);
  });

  it('falls by the rounded-down delta, which may be 0', () => {
    expect(next(100n, 20_000_000n, 9_999_999n)).toBe(100n);
    expect(next(1_600_000n, 20_000_000n, 9_000_000n)).toBe(1_580_000n);
  });

  it('never falls below the minimum base fee', () => {
    const floor = { ...params, minBaseFee: 900_000_000n };
    expect(next(1_000_000_000n, 20_000_000n, 0n, floor)).toBe(900_000_000n);
    expect(next(900_000_000n, 20_000_000n, 10_000_000n, floor)).toBe(900_000_000n);
    expect(next(1_000_000_000n, 20_000_000n, 9_000_000n, floor)).toBe(987_500_000n);
    // A parent below the floor (a raised minimum) is lifted to it.
    expect(next(500_000_000n, 20_000_000n, 20_000_000n, floor)).toBe(900_000_000n);
  });

  it('keeps the base fee when the gas target is zero', () => {
    expect(next(1_000n, 1n, 1n)).toBe(1_000n);
    expect(next(1_000n, 1n, 0n)).toBe(1_000n);
  });
});

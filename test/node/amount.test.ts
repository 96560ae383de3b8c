import { describe, expect, it } from 'vitest';
import { formatOpen, OPEN, parseAmount } from '../../node/amount.ts';

describe('amounts', () => {
  it('parses wei and OPEN without floating point', () => {
    expect(parseAmount('1000')).toBe(1000n);
    expect(parseAmount('1000wei')).toBe(1000n);
    expect(parseAmount('1OPEN')).toBe(OPEN);
    expect(parseAmount('1.5 open')).toBe(1_500_000_000_000_000_000n);
    expect(parseAmount('0.000000000000000001OPEN')).toBe(1n);
    expect(parseAmount('123456789012345678901234567890')).toBe(123456789012345678901234567890n);
  });

  it('rejects what is not an amount', () => {
    for (const bad of ['', '-1', '1e18', '1.5', '1.5wei', '0.0000000000000000001OPEN', '1 ETH', 'ten']) {
      expect(() => parseAmount(bad), bad).toThrow(/invalid amount/);
    }
  });

  it('formats OPEN exactly', () => {
    expect(formatOpen(1_500_000_000_000_000_000n)).toBe('1.5 OPEN');
    expect(formatOpen(10n * OPEN)).toBe('10 OPEN');
    expect(formatOpen(1n)).toBe('0.000000000000000001 OPEN');
  });
});

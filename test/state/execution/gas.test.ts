// Intrinsic gas: the word-at-a-time zero-byte count against the byte-by-byte definition, on aligned
// and unaligned views of random calldata rich in zeros.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countZeroBytes, GAS, intrinsicGas } from '../../../state/execution/gas.ts';

const byte = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 255 }));
// Short and long calldata alike: fast-check's default size keeps arrays to a few elements, which
// would never reach the word-at-a-time path (64 bytes and up).
const calldata = fc
  .oneof(fc.array(byte, { maxLength: 70 }), fc.array(byte, { minLength: 64, maxLength: 700, size: 'max' }))
  .map((bytes) => Uint8Array.from(bytes));

describe('intrinsicGas', () => {
  it('counts zero bytes exactly, aligned or not', () => {
    fc.assert(
      fc.property(calldata, fc.nat(7), (data, shift) => {
        const buffer = new Uint8Array(data.length + shift);
        buffer.set(data, shift);
        const view = buffer.subarray(shift);
        let expected = 0;
        for (const b of data) if (b === 0) expected++;
        expect(countZeroBytes(view)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('charges 21,000 plus 4 per zero and 16 per non-zero calldata byte', () => {
    fc.assert(
      fc.property(calldata, (data) => {
        let expected = GAS.txBase;
        for (const b of data) expected += b === 0 ? GAS.calldataZeroByte : GAS.calldataNonZeroByte;
        const tx = {
          type: 2 as const,
          chainId: 1n,
          nonce: 0n,
          maxFeePerGas: 1n,
          maxPriorityFeePerGas: 1n,
          gasLimit: 1n,
          to: null,
          value: 0n,
          data,
          accessList: [],
        };
        expect(intrinsicGas(tx)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('charges a plain transfer the base alone, and an access list without calldata its entries', () => {
    const common = { chainId: 1n, nonce: 0n, gasLimit: 1n, to: null, value: 0n, data: new Uint8Array() };
    const dynamic = { ...common, type: 2 as const, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n };
    expect(intrinsicGas({ ...common, type: 0, gasPrice: 1n })).toBe(GAS.txBase);
    expect(intrinsicGas({ ...dynamic, accessList: [] })).toBe(GAS.txBase);
    const accessList = [
      {
        address: `0x${'11'.repeat(20)}` as const,
        storageKeys: [`0x${'00'.repeat(32)}` as const, `0x${'01'.repeat(32)}` as const],
      },
      { address: `0x${'22'.repeat(20)}` as const, storageKeys: [] },
    ];
    expect(intrinsicGas({ ...dynamic, accessList })).toBe(
      GAS.txBase + 2n * GAS.accessListAddress + 2n * GAS.accessListStorageKey,
    );
  });
});

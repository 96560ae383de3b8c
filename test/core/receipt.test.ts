// Receipts and logs: round trips, rejection of malformed encodings, and the receipts root.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../core/bytes.ts';
import { DecodeError } from '../../core/errors.ts';
import { merkleRoot } from '../../core/merkle.ts';
import { decodeReceipt, encodeReceipt, receiptsRoot } from '../../core/receipt.ts';
import { type RlpInput, rlpEncode } from '../../core/rlp.ts';
import { anyAddress, expectCanonicalOrRejected, hex32, mutation, printable, u64 } from './helpers.ts';

const logArb = fc.record({
  address: anyAddress,
  topics: fc.array(hex32, { maxLength: 4 }),
  data: fc.uint8Array({ maxLength: 100 }),
});
const receiptArb = fc.record({
  status: fc.constantFrom(0 as const, 1 as const),
  gasUsed: u64,
  cumulativeGasUsed: u64,
  logs: fc.array(logArb, { maxLength: 4 }),
});

describe('receipt codec', () => {
  it('decode(encode(r)) = r', () => {
    fc.assert(
      fc.property(receiptArb, (receipt) => {
        expect(printable(decodeReceipt(encodeReceipt(receipt)))).toEqual(printable(receipt));
      }),
      { numRuns: 300 },
    );
  });

  const address = new Uint8Array(20).fill(0xaa);
  const topic = new Uint8Array(32).fill(0x11);
  const receipt = (status: RlpInput, logs: RlpInput[] = [[address, [topic], new Uint8Array(0)]]) =>
    rlpEncode([status, 21000, 21000, logs]);

  it.each<[string, Uint8Array, RegExp]>([
    ['status 2', receipt(2), /receipt\.status must be 0 or 1, got 2/],
    ['status as a list', receipt([1]), /receipt\.status: expected a byte string/],
    ['3 fields', rlpEncode([1, 21000, 21000]), /receipt: expected 4 items/],
    ['a log with 2 fields', receipt(1, [[address, [topic]]]), /logs\[0\]: expected 3 items/],
    [
      'a 19-byte log address',
      receipt(1, [[address.subarray(1), [topic], new Uint8Array(0)]]),
      /logs\[0\]\.address: expected 20/,
    ],
    [
      'a 31-byte topic',
      receipt(1, [[address, [topic.subarray(1)], new Uint8Array(0)]]),
      /logs\[0\]\.topics\[0\]: expected 32/,
    ],
    [
      'gas used of 9 bytes',
      rlpEncode([1, 21000, 2n ** 64n, []]),
      /receipt\.gasUsed: integer longer than 8 bytes/,
    ],
  ])('rejects %s with a DecodeError', (_name, bytes, message) => {
    expect(decodeReceipt(receipt(1)).status).toBe(1);
    expect(() => decodeReceipt(bytes)).toThrow(DecodeError);
    expect(() => decodeReceipt(bytes)).toThrow(message);
  });

  it('damaged receipts are rejected or canonical', () => {
    fc.assert(
      fc.property(
        receiptArb.chain((r) => mutation(encodeReceipt(r))),
        (bytes) => {
          expectCanonicalOrRejected(bytes, decodeReceipt, encodeReceipt);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('receiptsRoot', () => {
  it('is the Merkle root of the encoded receipts in order', () => {
    fc.assert(
      fc.property(fc.array(receiptArb, { maxLength: 6 }), (receipts) => {
        expect(receiptsRoot(receipts)).toBe(bytesToHex(merkleRoot(receipts.map(encodeReceipt))));
      }),
      { numRuns: 50 },
    );
    expect(receiptsRoot([])).toBe('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

// The 2048-bit logs bloom: go-ethereum's reference vector, and the Yellow Paper definition
// (section 4.3.1, M3:2048) written out independently as an integer with bits set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToBloom,
  BLOOM_BYTES,
  bloomForLogs,
  bloomMayContain,
  emptyBloom,
  orBloom,
} from '../../core/bloom.ts';
import { bigintToFixedBytes, bytesToHex, hexToBytes, utf8ToBytes } from '../../core/bytes.ts';
import { keccak256, keccak256Reference } from '../../core/hash.ts';
import { anyAddress, hex32 } from './helpers.ts';

/**
 * M3:2048 from the Yellow Paper: for i in 0, 2, 4 the low 11 bits of the big-endian pair
 * (h[i], h[i+1]) of keccak256(x) index a bit of the filter, read as one big-endian 2048-bit number.
 */
function yellowPaperBloom(values: readonly Uint8Array[]): Uint8Array {
  let bits = 0n;
  for (const value of values) {
    const h = keccak256Reference(value);
    for (const i of [0, 2, 4]) bits |= 1n << BigInt(((h[i]! << 8) | h[i + 1]!) % 2048);
  }
  return bigintToFixedBytes(bits, 256);
}

const logArb = fc.record({ address: anyAddress, topics: fc.array(hex32, { maxLength: 4 }) });

describe('logs bloom', () => {
  it("matches go-ethereum's TestBloomExtensively vector (core/types/bloom9_test.go)", () => {
    const bloom = emptyBloom();
    for (let i = 0; i < 100; i++) addToBloom(bloom, utf8ToBytes(`xxxxxxxxxx data ${i} yyyyyyyyyyyyyy`));
    expect(bytesToHex(keccak256(bloom))).toBe(
      '0xc8d3ca65cdb4874300a9e39475508f23ed6da09fdbc487f89a2dcf50b09eb263',
    );
  });

  it("answers go-ethereum's TestBloom membership cases", () => {
    const bloom = emptyBloom();
    for (const word of ['testtest', 'test', 'hallo', 'other']) addToBloom(bloom, utf8ToBytes(word));
    for (const word of ['testtest', 'test', 'hallo', 'other'])
      expect(bloomMayContain(bloom, utf8ToBytes(word))).toBe(true);
    for (const word of ['tes', 'lo']) expect(bloomMayContain(bloom, utf8ToBytes(word))).toBe(false);
  });

  it('sets exactly the bits the Yellow Paper names for one value', () => {
    // keccak256("") = c5d2 4601 86f7 …: bits 0x5d2 = 1490, 0x601 = 1537, 0x6f7 = 1783.
    const bloom = emptyBloom();
    addToBloom(bloom, new Uint8Array(0));
    const set: number[] = [];
    for (let bit = 0; bit < 2048; bit++)
      if (bloom[BLOOM_BYTES - 1 - (bit >> 3)]! & (1 << (bit & 7))) set.push(bit);
    expect(set).toEqual([1490, 1537, 1783]);
  });

  it('bloomForLogs equals the Yellow Paper definition over addresses and topics', () => {
    fc.assert(
      fc.property(fc.array(logArb, { maxLength: 5 }), (logs) => {
        const values = logs.flatMap((log) => [log.address, ...log.topics].map((hex) => hexToBytes(hex)));
        expect(bytesToHex(bloomForLogs(logs))).toBe(bytesToHex(yellowPaperBloom(values)));
      }),
      { numRuns: 200 },
    );
  });

  it('orBloom is the union, and every added value may be contained', () => {
    fc.assert(
      fc.property(fc.array(logArb, { maxLength: 3 }), fc.array(logArb, { maxLength: 3 }), (left, right) => {
        const union = bloomForLogs(left);
        orBloom(union, bloomForLogs(right));
        expect(bytesToHex(union)).toBe(bytesToHex(bloomForLogs([...left, ...right])));
        for (const log of [...left, ...right]) {
          expect(bloomMayContain(union, hexToBytes(log.address))).toBe(true);
          for (const topic of log.topics) expect(bloomMayContain(union, hexToBytes(topic))).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the empty filter contains nothing', () => {
    expect(bloomMayContain(emptyBloom(), utf8ToBytes('anything'))).toBe(false);
    expect(bloomForLogs([])).toEqual(new Uint8Array(256));
  });
});

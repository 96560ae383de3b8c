import fc from 'fast-check';
import { AbiFunction, type AbiParameters } from 'ox';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../../core/bytes.ts';
import { attributionAbi } from '../../../../state/modules/attribution/abi.ts';
import { AbiDecodeError, decodeArgs } from '../../../../state/modules/attribution/calldata.ts';

type Param = AbiParameters.Parameter;

/** Random values for an ABI parameter: [what ox encodes, what the decoder must return]. */
function arbitrary(p: Param): fc.Arbitrary<[unknown, unknown]> {
  if (p.type.endsWith('[]')) {
    const element = arbitrary({ ...p, type: p.type.slice(0, -2) } as Param);
    return fc
      .array(element, { maxLength: 4 })
      .map((items) => [items.map((i) => i[0]), items.map((i) => i[1])]);
  }
  if (p.type === 'tuple') {
    const components = 'components' in p ? p.components : [];
    return fc.tuple(...components.map(arbitrary)).map((values) => {
      const encoded: Record<string, unknown> = {};
      const decoded: Record<string, unknown> = {};
      components.forEach((c, i) => {
        encoded[c.name!] = values[i]![0];
        decoded[c.name!] = values[i]![1];
      });
      return [encoded, decoded];
    });
  }
  if (p.type === 'address') {
    return fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => [bytesToHex(b), bytesToHex(b)]);
  }
  if (p.type === 'string') return fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => [s, s]);
  if (p.type === 'bool') return fc.boolean().map((b) => [b, b]);
  if (p.type === 'bytes') return fc.uint8Array({ maxLength: 300 }).map((b) => [bytesToHex(b), b]);
  if (p.type === 'bytes32')
    return fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => [bytesToHex(b), b]);
  const bits = Number(p.type.slice(4));
  return fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n }).map((n) => [bits <= 48 ? Number(n) : n, n]);
}

const functions = attributionAbi.filter((item) => item.type === 'function');

function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}

describe('calldata decoder', () => {
  it.each(functions.map((fn) => [fn.name, fn] as const))('decodes what ox encodes for %s', (_name, fn) => {
    fc.assert(
      fc.property(fc.tuple(...fn.inputs.map(arbitrary)), (args) => {
        const data = hexToBytes(AbiFunction.encodeData(fn, args.map((a) => a[0]) as never));
        const decoded = decodeArgs(fn, data);
        expect(normalize(decoded)).toEqual(normalize(args.map((a) => a[1])));
      }),
      { numRuns: 60 },
    );
  });

  const recordInference = AbiFunction.fromAbi(attributionAbi, 'recordInference');
  const valid = hexToBytes(
    AbiFunction.encodeData(recordInference, [
      7n,
      '0x1234',
      [
        {
          contributionId: 1n,
          outputStart: 0,
          length: 2,
          chunkIndex: 0n,
          chunkOffset: 0,
          chunks: ['0x1234'],
          paths: [[`0x${'ab'.repeat(32)}`]],
        },
      ],
    ]),
  );

  it('returns byte arguments as views into the calldata', () => {
    const [, output, spans] = decodeArgs(recordInference, valid);
    expect(output.buffer).toBe(valid.buffer);
    expect(spans[0]!.paths[0]![0]!.buffer).toBe(valid.buffer);
  });

  it('rejects truncated data, out-of-range offsets and lengths, and dirty high bytes', () => {
    const fails = (data: Uint8Array) =>
      expect(() => decodeArgs(recordInference, data)).toThrow(AbiDecodeError);
    fails(valid.subarray(0, valid.length - 40));
    fails(valid.subarray(0, 40));
    const badOffset = valid.slice();
    badOffset[4 + 32 + 31] = 0xff; // offset of `output`
    fails(badOffset);
    const hugeLength = valid.slice();
    hugeLength[4 + 96 + 28] = 0x7f; // length of `output`, 2^30-ish
    fails(hugeLength);
    const dirty = valid.slice();
    dirty[4 + 23] = 1; // modelId is uint64: byte 23 of its word must be zero
    fails(dirty);
    const manySpans = valid.slice();
    const spansAt = 4 + Number(new DataView(valid.buffer, 4 + 64 + 28, 4).getUint32(0));
    manySpans[spansAt + 28] = 0x10; // 2^28 spans claimed
    fails(manySpans);
  });

  it('rejects strings that are not UTF-8 and booleans that are not 0 or 1', () => {
    const createDatanet = AbiFunction.fromAbi(attributionAbi, 'createDatanet');
    const data = hexToBytes(AbiFunction.encodeData(createDatanet, ['ab', '', '', 0, 0n]));
    const nameAt = 4 + Number(new DataView(data.buffer, 4 + 28, 4).getUint32(0));
    data[nameAt + 32] = 0xff;
    expect(() => decodeArgs(createDatanet, data)).toThrow(/not valid UTF-8/);
  });
});

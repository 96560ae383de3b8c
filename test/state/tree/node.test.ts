import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '../../../core/bytes.ts';
import { DecodeError } from '../../../core/errors.ts';
import { decodeNode, InternalNode, LeafNode, type Node } from '../../../state/tree/node.ts';
import { Harness, inserts, key } from './helpers.ts';

const hex32 = (byte: string) => byte.repeat(32);

function encode(node: Node): Uint8Array {
  const out = new Uint8Array(node.encodedLength);
  node.encodeInto(out, 0);
  return out;
}

describe('tree node records', () => {
  it('every record the tree writes decodes and re-encodes to the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(255), { minLength: 2, maxLength: 40 }), async (bytes) => {
        const h = new Harness();
        await h.apply(inserts(bytes.map((b) => [key(b), Uint8Array.of(b)])));
        for (const record of h.store.records.values()) {
          const node = decodeNode(record);
          expect(bytesToHex(encode(node))).toBe(bytesToHex(record));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('leaf records hold the value itself', () => {
    const leaf = LeafNode.decode(hexToBytes(`0x00${hex32('ab')}0102`));
    expect(leaf.key).toEqual(key(...new Array(32).fill(0xab)));
    expect(leaf.value).toEqual(Uint8Array.of(1, 2));
  });

  const invalid: [string, string][] = [
    ['an empty record', '0x'],
    ['an unknown tag', '0x02'],
    ['a short leaf', `0x00${'ab'.repeat(31)}`],
    ['no children', '0x0100000000'],
    ['a leaf bit without a child', `0x0100010002${hex32('11')}`],
    ['a lone leaf child', `0x0100010001${hex32('11')}${hex32('22')}`],
    ['a truncated entry', `0x0100030000${hex32('11')}${'22'.repeat(31)}`],
    ['trailing bytes', `0x0100030000${hex32('11')}${hex32('22')}00`],
  ];
  for (const [what, record] of invalid) {
    it(`rejects ${what}`, () => {
      expect(() => decodeNode(hexToBytes(record))).toThrow(DecodeError);
    });
  }

  it('accepts a lone internal child (a one-sided node above a deeper split)', () => {
    const node = InternalNode.decode(hexToBytes(`0x0100010000${hex32('11')}`));
    expect(node.slot(0)).toMatchObject({ hash: hexToBytes(`0x${hex32('11')}`) });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../core/errors.ts';
import { rlpEncode } from '../../../core/rlp.ts';
import {
  address,
  bigUint,
  bool,
  bytes,
  list,
  ParamError,
  param,
  paramSet,
  record,
  SchemaError,
  text,
  uint8,
  uint16,
  uint64,
  uint256,
} from '../../../state/codec/schema.ts';

const sample = record('sample', {
  owner: address,
  amount: uint256,
  small: uint8,
  height: uint64,
  flag: bool,
  key: bytes(4),
  raw: bytes(),
  name: text(8),
  ids: list(uint16),
  inner: record('inner', { a: uint16, b: bool }),
});

const value = {
  owner: '0x00000000000000000000000000000000000057a4',
  amount: 10n ** 30n,
  small: 255,
  height: Number.MAX_SAFE_INTEGER,
  flag: true,
  key: Uint8Array.of(1, 2, 3, 4),
  raw: new Uint8Array(0),
  name: 'héllo',
  ids: [0, 1, 65_535],
  inner: { a: 7, b: false },
} as const;

describe('schema records', () => {
  it('round-trips a record and encodes it as the canonical RLP list of its fields in order', () => {
    const encoded = sample.encode(value);
    expect(sample.decode(encoded)).toEqual(value);
    expect(encoded).toEqual(
      rlpEncode([
        Uint8Array.from(Buffer.from('00000000000000000000000000000000000057a4', 'hex')),
        10n ** 30n,
        255,
        Number.MAX_SAFE_INTEGER,
        1,
        Uint8Array.of(1, 2, 3, 4),
        new Uint8Array(0),
        new TextEncoder().encode('héllo'),
        [0, 1, 65_535],
        [7, 0],
      ]),
    );
    expect(sample.fieldNames).toEqual([
      'owner',
      'amount',
      'small',
      'height',
      'flag',
      'key',
      'raw',
      'name',
      'ids',
      'inner',
    ]);
  });

  it('round-trips random values', () => {
    const u = record('u', { a: uint256, b: uint64, c: bool, d: list(uint8) });
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
        fc.nat(),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 255 })),
        (a, b, c, d) => {
          const v = { a, b, c, d };
          expect(u.decode(u.encode(v))).toEqual(v);
        },
      ),
    );
  });

  it('refuses to encode values that do not fit their type, naming the field', () => {
    expect(() => sample.encode({ ...value, small: 256 })).toThrow(
      new SchemaError('sample.small: 256 is not a uint8'),
    );
    expect(() => sample.encode({ ...value, small: -1 })).toThrow(/sample.small: -1 is not a uint8/);
    expect(() => sample.encode({ ...value, small: 1.5 })).toThrow(/sample.small/);
    expect(() => sample.encode({ ...value, amount: 2n ** 256n })).toThrow(
      /sample.amount: .* does not fit in uint256/,
    );
    expect(() => sample.encode({ ...value, amount: -1n })).toThrow(/sample.amount/);
    expect(() => sample.encode({ ...value, key: new Uint8Array(3) })).toThrow(
      /sample.key: 3 bytes, expected 4/,
    );
    expect(() => sample.encode({ ...value, name: 'ninebytes' })).toThrow(
      /sample.name: 9 bytes of text, limit 8/,
    );
    expect(() => sample.encode({ ...value, name: 'ninebytes' })).toThrow(SchemaError);
    expect(sample.decode(sample.encode({ ...value, name: 'eight8b!' })).name).toBe('eight8b!');
    expect(() => sample.encode({ ...value, ids: [1, 65_536] })).toThrow(/sample.ids\[1\]/);
    expect(() => sample.encode({ ...value, inner: { a: 70_000, b: true } })).toThrow(/sample.inner.a/);
  });

  it('refuses to decode anything but the canonical encoding, naming the field', () => {
    const fields = (over: Partial<Record<number, unknown>>) => {
      const base: unknown[] = [
        Uint8Array.from(Buffer.from('00000000000000000000000000000000000057a4', 'hex')),
        1,
        1,
        1,
        1,
        Uint8Array.of(1, 2, 3, 4),
        new Uint8Array(0),
        new Uint8Array(0),
        [],
        [1, 1],
      ];
      for (const [i, v] of Object.entries(over)) base[Number(i)] = v;
      return rlpEncode(base as never);
    };
    expect(sample.decode(fields({})).flag).toBe(true);
    expect(() => sample.decode(fields({ 2: 256 }))).toThrow(
      new DecodeError('sample.small: integer longer than 1 bytes'),
    );
    expect(() => sample.decode(fields({ 3: 2n ** 53n }))).toThrow(
      /sample.height: 9007199254740992 is above 9007199254740991/,
    );
    expect(() => sample.decode(fields({ 4: 2 }))).toThrow(/sample.flag: 2 is not a bool/);
    expect(() => sample.decode(fields({ 5: new Uint8Array(5) }))).toThrow(
      /sample.key: expected 4 bytes, got 5/,
    );
    expect(() => sample.decode(fields({ 7: new Uint8Array(9) }))).toThrow(
      /sample.name: 9 bytes of text, limit 8/,
    );
    expect(() => sample.decode(fields({ 7: new Uint8Array(9) }))).toThrow(DecodeError);
    expect(() => sample.decode(fields({ 8: [70_000] }))).toThrow(/sample.ids\[0\]/);
    expect(() => sample.decode(fields({ 9: [1] }))).toThrow(/sample.inner: expected 2 items, got 1/);
    expect(() => sample.decode(fields({ 0: new Uint8Array(19) }))).toThrow(/sample.owner/);
    expect(() => sample.decode(rlpEncode([1, 2]))).toThrow(/sample: expected 10 items, got 2/);
    expect(() => sample.decode(Uint8Array.of(0x80))).toThrow(/sample: expected an RLP list/);
  });

  it('checks odd widths exactly (uint12 holds 4095, not 4096)', () => {
    const u12 = bigUint(12);
    expect(u12.toRlp(4095n, 'x')).toBe(4095n);
    expect(u12.fromRlp(Uint8Array.of(0x0f, 0xff), 'x')).toBe(4095n);
    expect(() => u12.toRlp(4096n, 'x')).toThrow(/x: 4096 does not fit in uint12/);
    expect(() => u12.fromRlp(Uint8Array.of(0x10, 0x00), 'x')).toThrow(/x: 4096 does not fit in uint12/);
    expect(() => u12.fromRlp(Uint8Array.of(0x01, 0x00, 0x00), 'x')).toThrow(/x: integer longer than 2 bytes/);
    expect(uint256.toRlp(0n, 'x')).toBe(0n);
    expect(() => uint256.toRlp(-1n, 'x')).toThrow(expect.objectContaining({ code: 'SCHEMA' }));
    expect(u12.name).toBe('uint12');
    expect(bool.name).toBe('bool');
    expect(address.name).toBe('address');
    expect(text(3).name).toBe('string');
    expect(uint64.name).toBe('uint64');
    expect(bytes(32).name).toBe('bytes32');
    expect(bytes().name).toBe('bytes');
    expect(list(uint16).name).toBe('uint16[]');
  });
});

describe('parameter sets', () => {
  const params = paramSet('test params', {
    count: param(uint16, { min: 1, max: 100 }),
    amount: param(uint256, { min: 5n }),
    on: param(bool),
  });

  it('round-trips values within bounds', () => {
    const v = { count: 1, amount: 5n, on: false };
    expect(params.decode(params.encode(v))).toEqual(v);
    expect(params.check({ count: 100, amount: 10n ** 40n, on: true })).toEqual({
      count: 100,
      amount: 10n ** 40n,
      on: true,
    });
    expect(params.params.count?.max).toBe(100);
  });

  it('refuses values outside their bounds, naming the parameter, on encode, decode and check', () => {
    const low = () => params.check({ count: 0, amount: 5n, on: true });
    expect(low).toThrow(new ParamError('count', 'test params.count is 0, below its minimum 1'));
    expect(() => params.check({ count: 101, amount: 5n, on: true })).toThrow(
      /test params.count is 101, above its maximum 100/,
    );
    expect(() => params.encode({ count: 5, amount: 4n, on: true })).toThrow(
      /test params.amount is 4, below its minimum 5/,
    );
    const stored = record('raw', { count: uint16, amount: uint256, on: bool }).encode({
      count: 500,
      amount: 5n,
      on: true,
    });
    expect(() => params.decode(stored)).toThrow(ParamError);
    try {
      params.check({ count: 101, amount: 5n, on: true });
    } catch (err) {
      expect((err as ParamError).param).toBe('count');
      expect((err as ParamError).code).toBe('BAD_PARAM');
    }
  });
});

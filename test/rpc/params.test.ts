import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { bytesToHex } from '../../core/bytes.ts';
import { ErrorCode, RpcError } from '../../rpc/errors.ts';
import {
  address,
  blockNumber,
  blockNumberOrTag,
  blockRef,
  bool,
  callRequest,
  data,
  hash,
  quantity,
  uint64,
} from '../../rpc/params.ts';
import { method } from '../../rpc/registry.ts';
import { httpContext } from './helpers.ts';

const HASH = `0x${'ab'.repeat(32)}`;
const ADDR = '0x70997970C51812dc3A010C7d01b50e20d17dc79C';

function message(schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
  return result.error.issues[0]!.message;
}

describe('quantity', () => {
  it.each([
    ['0x0', 0n],
    ['0x1', 1n],
    ['0xff', 255n],
    ['0xABC', 0xabcn],
    [`0x${'f'.repeat(64)}`, 2n ** 256n - 1n],
  ])('accepts %s', (input, expected) => {
    expect(quantity.parse(input)).toBe(expected);
  });

  it.each([
    ['0x01', 'leading zero digits'],
    ['0x00', 'leading zero digits'],
    ['0x', 'has no digits'],
    ['ff', 'must start with 0x'],
    ['0xfg', 'non-hex characters'],
    [`0x1${'0'.repeat(64)}`, 'exceeds 256 bits'],
    [12, 'expected hex quantity, got a number'],
    [null, 'got null'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(message(quantity, input)).toContain(reason);
  });

  it('bounds uint64 and block numbers', () => {
    expect(uint64.parse('0xffffffffffffffff')).toBe(2n ** 64n - 1n);
    expect(message(uint64, '0x10000000000000000')).toContain('exceeds 64 bits');
    expect(blockNumber.parse('0x1f')).toBe(31);
    expect(message(blockNumber, '0x20000000000000')).toContain('block number exceeds 53 bits');
  });
});

describe('data, address, hash, bool', () => {
  it('parses hex data to bytes, empty included', () => {
    expect(bytesToHex(data.parse('0xDEADbeef'))).toBe('0xdeadbeef');
    expect(data.parse('0x')).toEqual(new Uint8Array(0));
    expect(message(data, '0xabc')).toContain('odd number of digits');
    expect(message(data, 'abcd')).toContain('0x-prefixed');
    expect(message(data, 7)).toContain('expected hex data');
  });

  it('accepts addresses in any case and returns them lowercase', () => {
    expect(address.parse(ADDR)).toBe(ADDR.toLowerCase());
    expect(message(address, '0x70997970c51812dc3a010c7d01b50e20d17dc7')).toContain(
      'expected a 20-byte hex address',
    );
    expect(message(address, `${ADDR}00`)).toContain('20-byte');
    expect(message(address, 'not an address')).toContain('"not an address"');
  });

  it('checks 32-byte hashes', () => {
    expect(hash.parse(HASH.toUpperCase().replace('0X', '0x'))).toBe(HASH);
    expect(message(hash, HASH.slice(0, 64))).toContain('32-byte');
  });

  it('takes only real booleans', () => {
    expect(bool.parse(false)).toBe(false);
    expect(message(bool, 'true')).toBe('expected a boolean, got "true"');
  });
});

describe('block selectors', () => {
  it.each(['latest', 'pending', 'earliest', 'safe', 'finalized'])('accepts the tag %s', (tag) => {
    expect(blockNumberOrTag.parse(tag)).toEqual({ kind: 'tag', tag });
  });

  it('accepts numbers and rejects bad tags and numbers', () => {
    expect(blockNumberOrTag.parse('0x10')).toEqual({ kind: 'number', number: 16 });
    expect(message(blockNumberOrTag, 'lastest')).toContain(
      'one of latest, pending, earliest, safe, finalized',
    );
    expect(message(blockNumberOrTag, '0x010')).toContain('leading zero digits');
    expect(message(blockNumberOrTag, 16)).toContain('got a number');
    // Only the EIP-1898 form takes hashes.
    expect(message(blockNumberOrTag, HASH)).toContain('exceeds 53 bits');
  });

  it('accepts EIP-1898 objects and bare hashes', () => {
    expect(blockRef.parse('latest')).toEqual({ kind: 'tag', tag: 'latest' });
    expect(blockRef.parse(HASH)).toEqual({ kind: 'hash', hash: HASH, requireCanonical: false });
    expect(blockRef.parse({ blockHash: HASH, requireCanonical: true })).toEqual({
      kind: 'hash',
      hash: HASH,
      requireCanonical: true,
    });
    expect(blockRef.parse({ blockNumber: '0x2' })).toEqual({ kind: 'number', number: 2 });
    expect(blockRef.parse({ blockNumber: 'safe' })).toEqual({ kind: 'tag', tag: 'safe' });
  });

  it('rejects malformed EIP-1898 objects', () => {
    expect(message(blockRef, { blockHash: HASH, blockNumber: '0x1' })).toContain('cannot specify both');
    expect(message(blockRef, {})).toContain('expected a blockHash or blockNumber');
    expect(message(blockRef, { blockHash: '0x12' })).toContain('32-byte block hash');
    expect(message(blockRef, { blockHash: HASH, requireCanonical: 'yes' })).toContain('requireCanonical');
    expect(message(blockRef, [])).toContain('got an array');
  });
});

describe('callRequest', () => {
  it('converts every field and folds data into input', () => {
    const parsed = callRequest.parse({
      from: ADDR,
      to: ADDR,
      gas: '0x5208',
      gasPrice: null,
      maxFeePerGas: '0x3b9aca00',
      maxPriorityFeePerGas: '0x1',
      value: '0xde0b6b3a7640000',
      nonce: '0x7',
      type: '0x2',
      accessList: [{ address: ADDR, storageKeys: [HASH] }],
      data: '0x1234',
      chainId: '0x539', // unknown to us: ignored, as geth does
    });
    expect(parsed).toEqual({
      from: ADDR.toLowerCase(),
      to: ADDR.toLowerCase(),
      gas: 21000n,
      gasPrice: undefined,
      maxFeePerGas: 10n ** 9n,
      maxPriorityFeePerGas: 1n,
      value: 10n ** 18n,
      nonce: 7n,
      type: 2,
      accessList: [{ address: ADDR.toLowerCase(), storageKeys: [HASH] }],
      input: new Uint8Array([0x12, 0x34]),
    });
    expect(callRequest.parse({}).input).toBeUndefined();
  });

  it('rejects conflicting data and input, bad fields and non-objects', () => {
    expect(message(callRequest, { data: '0x12', input: '0x34' })).toContain('"data" and "input"');
    expect(callRequest.parse({ data: '0x12', input: '0x12' }).input).toEqual(new Uint8Array([0x12]));
    expect(message(callRequest, { type: '0x100' })).toContain('transaction type exceeds 8 bits');
    expect(message(callRequest, 'latest')).toBe('expected a transaction call object, got "latest"');
  });
});

describe('method() parameter checking', () => {
  const getBalance = method(z.tuple([address, blockRef.optional()]), ([who, block]) => ({
    who,
    block: block?.kind ?? null,
  }));
  const call = (params: unknown[]) => getBalance.call(params, httpContext());

  async function invalid(params: unknown[]): Promise<string> {
    const err: unknown = await call(params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).code).toBe(ErrorCode.InvalidParams);
    return (err as RpcError).message;
  }

  it('passes validated, converted params to the handler', async () => {
    expect(await call([ADDR, 'latest'])).toEqual({ who: ADDR.toLowerCase(), block: 'tag' });
    expect(await call([ADDR])).toEqual({ who: ADDR.toLowerCase(), block: null });
    // A trailing null means "default", as in geth.
    expect(await call([ADDR, null])).toEqual({ who: ADDR.toLowerCase(), block: null });
  });

  it('names the argument and the reason', async () => {
    expect(await invalid(['0x12'])).toBe('invalid argument 0: expected a 20-byte hex address, got "0x12"');
    expect(await invalid([ADDR, 'later'])).toMatch(
      /^invalid argument 1: expected a hex block number or one of/,
    );
    expect(await invalid([])).toBe('missing value for required argument 0');
    expect(await invalid([ADDR, 'latest', true])).toBe('too many arguments, want at most 2');
  });

  it('leaves zod out of a well-formed call and gives zod every rejection to word', async () => {
    const tuple = z.tuple([address, blockRef.optional()]);
    const safeParse = vi.spyOn(tuple, 'safeParse');
    const balance = method(tuple, (params) => params as never);
    expect(await balance.call([ADDR, 'latest'], httpContext())).toEqual([
      ADDR.toLowerCase(),
      { kind: 'tag', tag: 'latest' },
    ]);
    expect(await balance.call([ADDR], httpContext())).toEqual([ADDR.toLowerCase()]);
    expect(safeParse).not.toHaveBeenCalled();
    await expect(balance.call(['0x12'], httpContext())).rejects.toThrow('invalid argument 0');
    expect(safeParse).toHaveBeenCalledOnce();
  });

  it('gives what zod gives, value or rejection, for every shape of call', async () => {
    const tuples = [
      z.tuple([]),
      z.tuple([data]),
      z.tuple([hash, bool]),
      z.tuple([address, blockRef.optional()]),
      z.tuple([quantity.optional(), uint64.optional()]),
      z.tuple([blockNumberOrTag, uint64]),
      z.tuple([callRequest, blockRef.optional()]),
    ];
    const values = [undefined, null, 0, true, 'latest', '0x', '0x1', '0x01', ADDR, HASH, `${HASH}00`, {}, []];
    const argLists: unknown[][] = [[]];
    for (const a of values) {
      argLists.push([a]);
      for (const b of values) argLists.push([a, b], [a, b, '0x1']);
    }
    for (const tuple of tuples) {
      const direct = method(tuple, (params) => ({ params }) as never);
      for (const args of argLists) {
        // What method() did before it had a direct path: trailing nulls dropped, then zod.
        let end = args.length;
        while (end > 0 && args[end - 1] === null) end--;
        const expected = tuple.safeParse(args.slice(0, end));
        const got = await direct.call(args, httpContext()).then(
          (result) => ({ ok: true, result }),
          (err: RpcError) => ({ ok: false, message: err.message }),
        );
        if (expected.success) expect(got).toEqual({ ok: true, result: { params: expected.data } });
        else expect(got).toMatchObject({ ok: false });
      }
    }
  });

  it('gives the path inside an object argument', async () => {
    const estimate = method(z.tuple([callRequest]), () => null);
    const err = (await estimate
      .call([{ accessList: [{ address: '0x1', storageKeys: [] }] }], httpContext())
      .catch((e: unknown) => e)) as RpcError;
    expect(err.message).toBe(
      'invalid argument 0: accessList[0].address: expected a 20-byte hex address, got "0x1"',
    );
  });
});

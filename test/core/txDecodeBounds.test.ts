// decodeTx at its bounds, with the exact error each refusal gives: 64-bit nonces and gas limits
// (2^64 - 1 accepted, 2^64 refused naming the field), the smallest EIP-155 v values, yParity 0
// and 1, the first byte that tells a legacy list from a typed envelope, and the position named
// in an access-list error.
import { describe, expect, it } from 'vitest';
import { addressFromPrivateKey } from '../../core/address.ts';
import { concatBytes, hexToBytes } from '../../core/bytes.ts';
import { asList, type RlpInput, type RlpItem, rlpDecode, rlpEncode } from '../../core/rlp.ts';
import { decodeTx, recoverSender, signTx, TxDecodeError, type UnsignedTx } from '../../core/tx.ts';

const KEY = hexToBytes('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const TO = '0x70997970c51812dc3a010c7d01b50e20d17dc79c' as const;
const U64_MAX = 2n ** 64n - 1n;
const U256_MAX = 2n ** 256n - 1n;

const legacy = (over: Partial<Extract<UnsignedTx, { type: 0 }>> = {}): UnsignedTx => ({
  type: 0,
  chainId: 1n,
  nonce: 0n,
  gasPrice: 1n,
  gasLimit: 21_000n,
  to: TO,
  value: 0n,
  data: new Uint8Array(0),
  ...over,
});
const dynamic = (over: Partial<Extract<UnsignedTx, { type: 2 }>> = {}): UnsignedTx => ({
  type: 2,
  chainId: 1n,
  nonce: 0n,
  maxPriorityFeePerGas: 1n,
  maxFeePerGas: 1n,
  gasLimit: 21_000n,
  to: TO,
  value: 0n,
  data: new Uint8Array(0),
  accessList: [],
  ...over,
});

/** The refusal decodeTx gives: always a TxDecodeError with code TX_DECODE. */
function refusal(raw: Uint8Array): string {
  try {
    decodeTx(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(TxDecodeError);
    expect((err as TxDecodeError).code).toBe('TX_DECODE');
    return (err as Error).message;
  }
  throw new Error('decoded');
}

/** The raw transaction with field `index` of its RLP list replaced. */
function withField(raw: Uint8Array, index: number, value: RlpInput): Uint8Array {
  const typed = raw[0]! < 0xc0;
  const fields: RlpInput[] = asList(rlpDecode(typed ? raw.subarray(1) : raw), 'tx').map((f: RlpItem, i) =>
    i === index ? value : f,
  );
  const body = rlpEncode(fields);
  return typed ? concatBytes(raw.subarray(0, 1), body) : body;
}

describe('decodeTx: integer bounds', () => {
  it('accepts a nonce and gas limit of 2^64 - 1 and fees and value of 2^256 - 1, in both types', () => {
    const big = { nonce: U64_MAX, gasLimit: U64_MAX, value: U256_MAX };
    const a = decodeTx(signTx(legacy({ ...big, gasPrice: U256_MAX }), KEY).raw);
    expect(a).toMatchObject({ ...big, gasPrice: U256_MAX });
    const b = decodeTx(
      signTx(dynamic({ ...big, maxFeePerGas: U256_MAX, maxPriorityFeePerGas: U256_MAX }), KEY).raw,
    );
    expect(b).toMatchObject({ ...big, maxFeePerGas: U256_MAX, maxPriorityFeePerGas: U256_MAX });
    expect(recoverSender(b)).toBe(addressFromPrivateKey(KEY));
  });

  it('refuses a nonce or gas limit of 2^64, naming the field', () => {
    for (const make of [legacy, dynamic]) {
      expect(refusal(signTx(make({ nonce: U64_MAX + 1n }), KEY).raw)).toBe(
        'nonce: integer longer than 8 bytes',
      );
      expect(refusal(signTx(make({ gasLimit: U64_MAX + 1n }), KEY).raw)).toBe(
        'gasLimit: integer longer than 8 bytes',
      );
    }
  });
});

describe('decodeTx: signature values', () => {
  it('takes the chain id from v = 35 + 2·chainId + yParity, from v = 37 up', () => {
    const raw = signTx(legacy({ chainId: 1n }), KEY).raw;
    const v37 = decodeTx(withField(raw, 6, 37));
    expect(v37).toMatchObject({ chainId: 1n, yParity: 0 });
    expect(decodeTx(withField(raw, 6, 38))).toMatchObject({ chainId: 1n, yParity: 1 });
    expect(decodeTx(withField(raw, 6, 2 * 1337 + 36))).toMatchObject({ chainId: 1337n, yParity: 1 });
    expect(refusal(withField(raw, 6, 35))).toBe('invalid v value 35 for an EIP-155 transaction');
    expect(refusal(withField(raw, 6, 27))).toBe(
      'legacy transaction without chain id (pre-EIP-155) is not accepted; sign with a chain id',
    );
  });

  it('accepts yParity 0 and 1 in an EIP-1559 transaction and recovers the signer from both', () => {
    const parities = new Set<number>();
    for (let nonce = 0n; parities.size < 2 && nonce < 64n; nonce++) {
      const signed = signTx(dynamic({ nonce }), KEY);
      const decoded = decodeTx(signed.raw);
      expect(decoded.yParity).toBe(signed.yParity);
      expect(recoverSender(decoded)).toBe(addressFromPrivateKey(KEY));
      parities.add(decoded.yParity);
    }
    expect([...parities].sort()).toEqual([0, 1]);
    const raw = signTx(dynamic(), KEY).raw;
    expect(refusal(withField(raw, 9, 2))).toBe('yParity must be 0 or 1, got 2');
  });
});

describe('decodeTx: the envelope', () => {
  it('reads a first byte of 0xc0 or above as a legacy list, 0x80..0xbf as neither', () => {
    expect(refusal(Uint8Array.of(0xc0))).toBe('legacy transaction: expected 9 items, got 0');
    for (const first of [0x80, 0x81, 0xbf]) {
      expect(refusal(Uint8Array.of(first, 0))).toBe(
        'malformed transaction: not an RLP list or typed envelope',
      );
    }
    expect(refusal(Uint8Array.of(0x01, 0xc0))).toBe(
      'unsupported transaction type 0x01: only legacy (EIP-155) and type 2 (EIP-1559) are accepted',
    );
    expect(refusal(Uint8Array.of(0x02, 0xc0))).toBe('EIP-1559 transaction: expected 12 items, got 0');
    expect(refusal(new Uint8Array(0))).toBe('empty transaction');
  });
});

describe('decodeTx: a field that is not a byte string is named', () => {
  const LEGACY_FIELDS = ['nonce', 'gasPrice', 'gasLimit', 'to', 'value', 'data', 'v', 'r', 's'];
  const DYNAMIC_FIELDS = [
    'chainId',
    'nonce',
    'maxPriorityFeePerGas',
    'maxFeePerGas',
    'gasLimit',
    'to',
    'value',
    'data',
    'accessList',
    'yParity',
    'r',
    's',
  ];
  const legacyRaw = signTx(legacy(), KEY).raw;
  const dynamicRaw = signTx(dynamic(), KEY).raw;

  it.each(LEGACY_FIELDS.map((name, i) => [name, i] as const))('legacy %s', (name, i) => {
    expect(refusal(withField(legacyRaw, i, [[]]))).toBe(`${name}: expected a byte string`);
  });

  it.each(DYNAMIC_FIELDS.map((name, i) => [name, i] as const))('EIP-1559 %s', (name, i) => {
    // The access list is the one list field: bytes there are the error.
    const expected =
      name === 'accessList' ? 'accessList: expected an RLP list' : `${name}: expected a byte string`;
    expect(refusal(withField(dynamicRaw, i, name === 'accessList' ? Uint8Array.of(1) : [[]]))).toBe(expected);
  });

  it('names the transaction in RLP errors', () => {
    expect(refusal(concatBytes(legacyRaw, Uint8Array.of(0)))).toBe(
      'malformed transaction: trailing bytes after the item',
    );
    expect(refusal(concatBytes(dynamicRaw, Uint8Array.of(0)))).toBe(
      'malformed transaction: trailing bytes after the item',
    );
  });
});

describe('decodeTx: access-list errors name the entry and key', () => {
  const raw = signTx(dynamic(), KEY).raw;
  const address = hexToBytes(TO);
  const key = (n: number) => new Uint8Array(n).fill(9);

  it.each<[string, RlpInput, string]>([
    ['an entry that is not a list', [Uint8Array.of(1)], 'accessList[0]: expected an RLP list'],
    [
      'a short address in the second entry',
      [
        [address, []],
        [key(19), []],
      ],
      'accessList[1].address: expected 20 bytes, got 19',
    ],
    [
      'storage keys that are not a list',
      [[address, key(32)]],
      'accessList[0].storageKeys: expected an RLP list',
    ],
    [
      'a short second storage key',
      [[address, [key(32), key(31)]]],
      'accessList[0].storageKeys[1]: expected 32 bytes, got 31',
    ],
    [
      'a storage key that is a list',
      [[address, [[]]]],
      'accessList[0].storageKeys[0]: expected a byte string',
    ],
    ['an address that is a list', [[[], []]], 'accessList[0].address: expected a byte string'],
  ])('%s', (_name, list, message) => {
    expect(refusal(withField(raw, 8, list))).toBe(message);
  });

  it('decodes two entries with their keys in order', () => {
    const list = [
      { address: TO, storageKeys: [`0x${'01'.repeat(32)}`, `0x${'02'.repeat(32)}`] as const },
      { address: TO, storageKeys: [] },
    ];
    const decoded = decodeTx(
      signTx(dynamic({ accessList: list.map((e) => ({ ...e, storageKeys: [...e.storageKeys] })) }), KEY).raw,
    );
    expect(decoded.type === 2 && decoded.accessList).toEqual(list);
  });
});

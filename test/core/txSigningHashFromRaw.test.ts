// A decoded transaction's signing hash is read from its raw bytes (leadingItems walks the RLP
// items in place). It must equal the hash viem computes from the fields for every item shape the
// walk meets: single bytes, the empty string, strings of 55 and 56 bytes (the short/long boundary),
// lengths of one and two bytes (data of 255 and 256 bytes), the empty list, and short and long
// access lists. Each transaction is signed here and decoded again, so the walk sees real bytes.
import { serializeTransaction, keccak256 as viemKeccak256 } from 'viem';
import { describe, expect, it } from 'vitest';
import { addressFromPrivateKey } from '../../core/address.ts';
import { bytesToHex, type Hex, hexToBytes } from '../../core/bytes.ts';
import {
  type AccessList,
  decodeTx,
  encodeSignedTx,
  recoverSender,
  signingHash,
  signTx,
  type UnsignedTx,
} from '../../core/tx.ts';

const KEY = hexToBytes('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const SENDER = addressFromPrivateKey(KEY);
const TO = '0x70997970c51812dc3a010c7d01b50e20d17dc79c' as const;

/** Data lengths around the RLP string boundaries (55/56 bytes, one- and two-byte lengths). */
const DATA_LENGTHS = [0, 1, 54, 55, 56, 57, 255, 256, 300];
/** Values encoded as the empty string, single bytes, one-byte strings and a 7-byte string (viem takes nonces as numbers). */
const SMALL = [0n, 1n, 0x7fn, 0x80n, 0xffn, BigInt(Number.MAX_SAFE_INTEGER)];

function data(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + 1) & 0xff);
}

const key = (b: number) => `0x${b.toString(16).padStart(2, '0').repeat(32)}` as Hex;
const ACCESS_LISTS: AccessList[] = [
  [], // the empty list, 0xc0
  [{ address: TO, storageKeys: [] }], // a short list
  [{ address: TO, storageKeys: [key(1), key(2)] }], // a long list, one-byte length
  Array.from({ length: 5 }, (_, i) => ({ address: TO, storageKeys: [key(i), key(i + 1)] })), // two-byte length
];

/** The signing hash as viem computes it from the fields (EIP-155 payload or 0x02 ‖ RLP). */
function viemSigningHash(tx: UnsignedTx): Hex {
  const common = {
    chainId: Number(tx.chainId),
    nonce: Number(tx.nonce),
    gas: tx.gasLimit,
    to: tx.to ?? undefined,
    value: tx.value,
    data: bytesToHex(tx.data),
  };
  if (tx.type === 0)
    return viemKeccak256(serializeTransaction({ type: 'legacy', gasPrice: tx.gasPrice, ...common }));
  return viemKeccak256(
    serializeTransaction({
      type: 'eip1559',
      maxFeePerGas: tx.maxFeePerGas,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      accessList: tx.accessList.map((e) => ({ address: e.address, storageKeys: e.storageKeys })),
      ...common,
    }),
  );
}

function expectHashFromRaw(tx: UnsignedTx): void {
  const decoded = decodeTx(signTx(tx, KEY).raw);
  expect(bytesToHex(signingHash(decoded))).toBe(viemSigningHash(tx));
  expect(recoverSender(decoded)).toBe(SENDER);
}

const legacy = (over: Partial<Extract<UnsignedTx, { type: 0 }>>): UnsignedTx => ({
  type: 0,
  chainId: 1337n,
  nonce: 3n,
  gasPrice: 10n ** 9n,
  gasLimit: 21_000n,
  to: TO,
  value: 5n,
  data: new Uint8Array(0),
  ...over,
});

const dynamic = (over: Partial<Extract<UnsignedTx, { type: 2 }>>): UnsignedTx => ({
  type: 2,
  chainId: 1337n,
  nonce: 3n,
  maxPriorityFeePerGas: 10n ** 9n,
  maxFeePerGas: 2n * 10n ** 9n,
  gasLimit: 21_000n,
  to: TO,
  value: 5n,
  data: new Uint8Array(0),
  accessList: [],
  ...over,
});

describe('the signing hash of a decoded transaction, read from its raw bytes', () => {
  it.each(DATA_LENGTHS)('legacy and EIP-1559 with %i bytes of data', (length) => {
    expectHashFromRaw(legacy({ data: data(length) }));
    expectHashFromRaw(dynamic({ data: data(length) }));
  });

  it.each(SMALL)('every integer field set to %s', (value) => {
    const fields = { nonce: value, gasLimit: value, value };
    expectHashFromRaw(legacy({ ...fields, gasPrice: value }));
    expectHashFromRaw(dynamic({ ...fields, maxFeePerGas: value, maxPriorityFeePerGas: value }));
  });

  it.each(ACCESS_LISTS.map((list, i) => [i, list] as const))('access list %i', (_i, accessList) => {
    expectHashFromRaw(dynamic({ accessList }));
    expectHashFromRaw(dynamic({ accessList, data: data(56), to: null }));
  });

  it('a transaction short enough for a short-form list (tiny signature values)', () => {
    // Decoding does not check the signature, so r = s = 1 decodes, and every other field is one
    // byte: the whole list is under 56 bytes, with a one-byte header.
    for (const tx of [
      legacy({ to: null, nonce: 0n, gasPrice: 0n, gasLimit: 0n, value: 0n }),
      dynamic({
        to: null,
        nonce: 0n,
        gasLimit: 0n,
        value: 0n,
        maxFeePerGas: 0n,
        maxPriorityFeePerGas: 0n,
        chainId: 1n,
      }),
    ]) {
      const raw = encodeSignedTx(tx.type === 0 ? { ...tx, chainId: 1n } : tx, { r: 1n, s: 1n, yParity: 0 });
      expect(raw[tx.type === 0 ? 0 : 1]).toBeLessThanOrEqual(0xf7);
      const decoded = decodeTx(raw);
      expect(bytesToHex(signingHash(decoded))).toBe(
        viemSigningHash(tx.type === 0 ? { ...tx, chainId: 1n } : tx),
      );
    }
  });

  it('contract creation (an empty to) and a chain id over one byte', () => {
    expectHashFromRaw(legacy({ to: null, chainId: 300n }));
    expectHashFromRaw(dynamic({ to: null, chainId: 2n ** 32n }));
  });
});

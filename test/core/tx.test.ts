// Ethereum transactions: the EIP-155 example from the EIP, byte-for-byte agreement with viem on
// random transactions of both types, and rejection of every malformed shape.
import fc from 'fast-check';
import {
  parseTransaction,
  type TransactionSerializableEIP1559,
  type TransactionSerializableLegacy,
  keccak256 as viemKeccak256,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, type Hex, hexToBytes } from '../../core/bytes.ts';
import { keccak256 } from '../../core/hash.ts';
import { asList, type RlpInput, type RlpItem, rlpDecode, rlpEncode } from '../../core/rlp.ts';
import { nativeBackend, nobleBackend, SECP256K1_N, SignatureError } from '../../core/secp256k1.ts';
import {
  decodeTx,
  dynamicFeeRaw,
  dynamicFeeSigningHash,
  effectiveTip,
  encodeSignedTx,
  maxFeePerGas,
  recoverSender,
  type SignedTx,
  signingHash,
  signTx,
  TxDecodeError,
  txHash,
  type UnsignedTx,
} from '../../core/tx.ts';
import {
  anyAddress,
  expectCanonicalOrRejected,
  expectError,
  hex32,
  mutation,
  secp256k1PrivateKey,
  u64,
  u256,
} from './helpers.ts';

const N = SECP256K1_N;
const TO = '0x70997970c51812dc3a010c7d01b50e20d17dc79c' as const;

describe('the EIP-155 example (from the EIP text)', () => {
  const KEY = hexToBytes(`0x${'46'.repeat(32)}`);
  const tx: UnsignedTx = {
    type: 0,
    chainId: 1n,
    nonce: 9n,
    gasPrice: 20n * 10n ** 9n,
    gasLimit: 21000n,
    to: `0x${'35'.repeat(20)}`,
    value: 10n ** 18n,
    data: new Uint8Array(0),
  };
  const SIGNING_DATA =
    '0xec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080';
  const SIGNING_HASH = '0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53';
  const SIGNED =
    '0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83';

  it('has the signing data and signing hash of the EIP', () => {
    expect(bytesToHex(keccak256(hexToBytes(SIGNING_DATA)))).toBe(SIGNING_HASH);
    expect(bytesToHex(signingHash(tx))).toBe(SIGNING_HASH);
  });

  it.each([
    ['native', nativeBackend],
    ['noble', nobleBackend],
  ])('signs to the EIP bytes with the %s backend', (_name, backend) => {
    const signed = signTx(tx, KEY, backend);
    expect(bytesToHex(signed.raw)).toBe(SIGNED);
    expect(signed.hash).toBe(viemKeccak256(SIGNED));
  });

  it('decodes the EIP bytes to its fields, v = 37 and the signer of key 0x4646…46', () => {
    const decoded = decodeTx(hexToBytes(SIGNED));
    expect(decoded).toMatchObject({ ...tx, yParity: 0 });
    expect(decoded.r).toBe(0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276n);
    expect(decoded.s).toBe(0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83n);
    const sender = privateKeyToAccount(bytesToHex(KEY)).address.toLowerCase();
    expect(sender).toBe('0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f');
    expect(recoverSender(decoded, nativeBackend)).toBe(sender);
    expect(recoverSender(decoded, nobleBackend)).toBe(sender);
  });
});

// --- Random transactions signed by viem --------------------------------------------------------

const privateKey = secp256k1PrivateKey.map((k) => bytesToHex(k));
const commonFields = {
  chainId: fc.integer({ min: 1, max: 2 ** 32 }),
  nonce: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), // viem takes nonce as a number
  gas: u64,
  to: fc.option(anyAddress, { nil: undefined }),
  value: u256,
  // Up to 1,000 bytes: data and list lengths of one and two bytes.
  data: fc.uint8Array({ maxLength: 1_000 }).map((b) => bytesToHex(b)),
};
const legacyTx = fc
  .record({ ...commonFields, gasPrice: u256 })
  .map((f): TransactionSerializableLegacy => ({ type: 'legacy', ...f }));
const accessList = fc.array(
  fc.record({ address: anyAddress, storageKeys: fc.array(hex32, { maxLength: 3 }) }),
  { maxLength: 3 },
);
const dynamicFeeTx = fc.record({ ...commonFields, fees: fc.tuple(u256, u256), accessList }).map(
  ({ fees: [a, b], ...f }): TransactionSerializableEIP1559 => ({
    type: 'eip1559',
    ...f,
    maxFeePerGas: a > b ? a : b,
    maxPriorityFeePerGas: a > b ? b : a,
  }),
);

/** Our field set as viem's input and signature describe it. */
function expectedFields(
  input: TransactionSerializableLegacy | TransactionSerializableEIP1559,
  serialized: Hex,
) {
  const sig = parseTransaction(serialized);
  const common = {
    chainId: BigInt(input.chainId!),
    nonce: BigInt(input.nonce!),
    gasLimit: input.gas,
    to: input.to ?? null,
    value: input.value,
    data: input.data,
    r: BigInt(sig.r!),
    s: BigInt(sig.s!),
    yParity: sig.yParity,
    hash: viemKeccak256(serialized),
  };
  if (input.type === 'legacy') return { type: 0, gasPrice: input.gasPrice, ...common };
  const { maxFeePerGas, maxPriorityFeePerGas, accessList } = input as TransactionSerializableEIP1559;
  return { type: 2, maxFeePerGas, maxPriorityFeePerGas, accessList, ...common };
}

function ourFields(tx: SignedTx) {
  const { raw: _raw, data, ...rest } = tx;
  return { ...rest, data: bytesToHex(data) };
}

async function checkAgainstViem(
  key: Hex,
  input: TransactionSerializableLegacy | TransactionSerializableEIP1559,
): Promise<void> {
  const account = privateKeyToAccount(key);
  const serialized = await account.signTransaction(input);
  const decoded = decodeTx(hexToBytes(serialized));
  expect(ourFields(decoded)).toEqual(expectedFields(input, serialized));
  const resigned = signTx(decoded, hexToBytes(key));
  expect(bytesToHex(resigned.raw)).toBe(serialized);
  expect(resigned.hash).toBe(viemKeccak256(serialized));
  // The hash from the bytes alone (how a proposal's transactions are found in the pool).
  expect(txHash(hexToBytes(serialized))).toBe(viemKeccak256(serialized));
  // A decoded transaction's signing hash is taken from its raw bytes; a copy's is encoded.
  expect(signingHash(decoded)).toEqual(signingHash({ ...decoded }));
  // What a recovery worker hashes: a decoded type-2 transaction's raw bytes, nothing else's.
  expect(dynamicFeeRaw(decoded)).toBe(decoded.type === 2 ? decoded.raw : undefined);
  expect(dynamicFeeRaw({ ...decoded })).toBeUndefined();
  expect(dynamicFeeRaw(resigned)).toBeUndefined();
  if (decoded.type === 2) expect(dynamicFeeSigningHash(decoded.raw)).toEqual(signingHash({ ...decoded }));
  const sender = account.address.toLowerCase();
  expect(recoverSender(decoded, nativeBackend)).toBe(sender);
  expect(recoverSender(decoded, nobleBackend)).toBe(sender);
}

describe('agreement with viem on random transactions', () => {
  it('legacy EIP-155: decodeTx reproduces every field, signTx the same bytes and hash, recoverSender the account', async () => {
    await fc.assert(fc.asyncProperty(privateKey, legacyTx, checkAgainstViem), { numRuns: 100 });
  });

  it('EIP-1559 (with and without to, data and access lists): the same', async () => {
    await fc.assert(fc.asyncProperty(privateKey, dynamicFeeTx, checkAgainstViem), { numRuns: 100 });
  });
});

// --- Malformed transactions --------------------------------------------------------------------

const KEY = hexToBytes('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const common = { chainId: 1337n, nonce: 7n, gasLimit: 21000n, to: TO, value: 10n ** 18n } as const;
const LEGACY = signTx({ type: 0, ...common, gasPrice: 10n ** 9n, data: Uint8Array.of(1, 2) }, KEY).raw;
const DYNAMIC = signTx(
  {
    type: 2,
    ...common,
    maxFeePerGas: 2n * 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
    data: new Uint8Array(0),
    accessList: [{ address: TO, storageKeys: [`0x${'11'.repeat(32)}`] }],
  },
  KEY,
).raw;

/** Re-encodes a transaction after editing its RLP field list (keeping the type byte if any). */
function edited(raw: Uint8Array, edit: (fields: RlpItem[]) => RlpInput[]): Uint8Array {
  const typed = raw[0]! < 0xc0;
  const fields = asList(rlpDecode(typed ? raw.subarray(1) : raw), 'tx');
  const body = rlpEncode(edit([...fields]));
  return typed ? concatBytes(raw.subarray(0, 1), body) : body;
}
const set =
  (index: number, value: RlpInput) =>
  (fields: RlpItem[]): RlpInput[] =>
    fields.map((f, i) => (i === index ? value : f));

function expectTxDecodeError(bytes: Uint8Array, message: RegExp): void {
  expect((expectError(() => decodeTx(bytes), TxDecodeError, message) as TxDecodeError).code).toBe(
    'TX_DECODE',
  );
}

describe('malformed transactions are rejected with TxDecodeError naming the problem', () => {
  it('the fixtures themselves decode', () => {
    expect(decodeTx(LEGACY).type).toBe(0);
    expect(decodeTx(DYNAMIC).type).toBe(2);
  });

  const bytes = (n: number) => new Uint8Array(n).fill(0x35);
  it.each<[string, (f: RlpItem[]) => RlpInput[], RegExp]>([
    ['8 fields', (f) => f.slice(0, 8), /expected 9 items, got 8/],
    ['10 fields', (f) => [...f, new Uint8Array(0)], /expected 9 items, got 10/],
    ['to of 19 bytes', set(3, bytes(19)), /to: expected 20 bytes or empty, got 19/],
    ['to of 21 bytes', set(3, bytes(21)), /to: expected 20 bytes or empty, got 21/],
    ['nonce as a list', set(0, [1]), /nonce: expected a byte string/],
    ['value as a list', set(4, []), /value: expected a byte string/],
    ['data as a list', set(5, []), /data: expected a byte string/],
    ['nonce with a leading zero byte', set(0, Uint8Array.of(0, 7)), /nonce: integer has leading zero/],
    ['nonce of 9 bytes', set(0, 2n ** 64n), /nonce: integer longer than 8 bytes/],
    ['v = 27 (no chain id)', set(6, 27), /pre-EIP-155/],
    ['v = 28 (no chain id)', set(6, 28), /pre-EIP-155/],
    ['v = 36 (chain id 0)', set(6, 36), /invalid v value 36/],
    ['v = 0', set(6, 0), /invalid v value 0/],
  ])('legacy: %s', (_name, edit, message) => {
    expectTxDecodeError(edited(LEGACY, edit), message);
  });

  it.each<[string, (f: RlpItem[]) => RlpInput[], RegExp]>([
    ['11 fields', (f) => f.slice(0, 11), /expected 12 items, got 11/],
    ['13 fields', (f) => [...f, new Uint8Array(0)], /expected 12 items, got 13/],
    ['to of 19 bytes', set(5, bytes(19)), /to: expected 20 bytes or empty, got 19/],
    ['yParity 2', set(9, 2), /yParity must be 0 or 1, got 2/],
    ['yParity as a zero byte', set(9, Uint8Array.of(0)), /yParity: integer has leading zero/],
    ['yParity of 2 bytes', set(9, 256), /yParity: integer longer than 1 bytes/],
    ['chainId as a list', set(0, [1]), /chainId: expected a byte string/],
    ['gasLimit as a list', set(4, [[]]), /gasLimit: expected a byte string/],
    ['maxFeePerGas of 33 bytes', set(3, 2n ** 256n), /maxFeePerGas: integer longer than 32 bytes/],
    ['accessList as bytes', set(8, bytes(3)), /accessList: expected an RLP list/],
    [
      'access list entry with a 19-byte address',
      set(8, [[bytes(19), []]]),
      /accessList\[0\]\.address: expected 20/,
    ],
    ['access list entry with 3 items', set(8, [[bytes(20), [], []]]), /accessList\[0\]: expected 2 items/],
    ['storage key of 31 bytes', set(8, [[bytes(20), [bytes(31)]]]), /storageKeys\[0\]: expected 32 bytes/],
  ])('EIP-1559: %s', (_name, edit, message) => {
    expectTxDecodeError(edited(DYNAMIC, edit), message);
  });

  it('rejects empty input, unsupported type bytes and non-list envelopes', async () => {
    expectTxDecodeError(new Uint8Array(0), /empty transaction/);
    const eip2930 = await privateKeyToAccount(bytesToHex(KEY)).signTransaction({
      type: 'eip2930',
      chainId: 1337,
      nonce: 0,
      gas: 21000n,
      gasPrice: 1n,
      to: TO,
      accessList: [],
    });
    expectTxDecodeError(hexToBytes(eip2930), /unsupported transaction type 0x01/);
    for (const type of [0x00, 0x03, 0x04, 0x7f]) {
      const hex = type.toString(16).padStart(2, '0');
      expectTxDecodeError(
        concatBytes(Uint8Array.of(type), DYNAMIC.subarray(1)),
        new RegExp(`unsupported transaction type 0x${hex}`),
      );
    }
    expectTxDecodeError(rlpEncode(Uint8Array.of(1, 2, 3)), /not an RLP list or typed envelope/);
    // 0xc0, the empty list, is the first list byte: a legacy transaction with too few fields.
    expectTxDecodeError(Uint8Array.of(0xc0), /legacy transaction: expected 9 items, got 0/);
    expectTxDecodeError(Uint8Array.of(0x02), /malformed transaction/);
    expectTxDecodeError(
      concatBytes(Uint8Array.of(2), rlpEncode(Uint8Array.of(1, 2))),
      /expected an RLP list/,
    );
  });

  it('rejects real pre-EIP-155 transactions (signed by viem without a chain id)', async () => {
    const raw = await privateKeyToAccount(bytesToHex(KEY)).signTransaction({
      type: 'legacy',
      nonce: 0,
      to: TO,
      value: 1n,
      gas: 21000n,
      gasPrice: 1n,
    });
    expectTxDecodeError(hexToBytes(raw), /pre-EIP-155/);
  });

  it('rejects every truncation and a trailing byte', () => {
    for (const raw of [LEGACY, DYNAMIC]) {
      for (let n = 1; n < raw.length; n++) expectTxDecodeError(raw.subarray(0, n), /malformed|expected/);
      expectTxDecodeError(concatBytes(raw, Uint8Array.of(0)), /trailing bytes/);
    }
  });

  it('damaged transactions are rejected with TxDecodeError, or are the canonical encoding of what they decode to', () => {
    const counts = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(LEGACY, DYNAMIC).chain((raw) => mutation(raw)),
        (bytes) => {
          counts[expectCanonicalOrRejected(bytes, decodeTx, (tx) => encodeSignedTx(tx, tx), TxDecodeError)]++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(counts.accepted).toBeGreaterThan(50);
    expect(counts.rejected).toBeGreaterThan(50);
  });
});

describe('recoverSender rejects invalid signatures that decode', () => {
  const decoded = decodeTx(DYNAMIC);
  it.each<[string, Partial<SignedTx>, RegExp]>([
    [
      'high s (the malleated twin of a valid signature)',
      { s: N - decoded.s, yParity: decoded.yParity ^ 1 },
      /high-s/,
    ],
    ['r = 0', { r: 0n }, /r out of range/],
    ['s = 0', { s: 0n }, /s out of range/],
    ['r = n', { r: N }, /r out of range/],
  ])('%s', (_name, change, message) => {
    const tx = decodeTx(encodeSignedTx(decoded, { ...decoded, ...change }));
    expect(() => recoverSender(tx)).toThrow(SignatureError);
    expect(() => recoverSender(tx)).toThrow(message);
  });

  it('a valid signature over other fields recovers a different sender, not an error', () => {
    const other = decodeTx(encodeSignedTx({ ...decoded, nonce: decoded.nonce + 1n }, decoded));
    expect(recoverSender(other)).not.toBe(recoverSender(decoded));
  });
});

describe('fee helpers', () => {
  const legacy = decodeTx(LEGACY);
  const dynamic = decodeTx(DYNAMIC); // maxFee 2 gwei, tip 1 gwei
  const gwei = 10n ** 9n;

  it('maxFeePerGas is gasPrice for legacy and maxFeePerGas for EIP-1559', () => {
    expect(maxFeePerGas(legacy)).toBe(gwei);
    expect(maxFeePerGas(dynamic)).toBe(2n * gwei);
  });

  it('effectiveTip is min(maxPriorityFee, maxFee - baseFee), or gasPrice - baseFee for legacy', () => {
    expect(effectiveTip(dynamic, gwei / 2n)).toBe(gwei);
    expect(effectiveTip(dynamic, (3n * gwei) / 2n)).toBe(gwei / 2n);
    expect(effectiveTip(dynamic, 2n * gwei)).toBe(0n);
    expect(effectiveTip(legacy, gwei / 4n)).toBe((3n * gwei) / 4n);
  });
});

describe('decodeTx with the hash its caller already has', () => {
  it('takes it instead of hashing the bytes again, and without it hashes them', () => {
    for (const raw of [LEGACY, DYNAMIC]) {
      expect(decodeTx(raw).hash).toBe(bytesToHex(keccak256(raw)));
      // A caller's hash is used as given (decodeTx's contract: it must be txHash(raw)), which shows
      // that no second keccak over the bytes is made.
      const given = `0x${'ab'.repeat(32)}` as Hex;
      expect(decodeTx(raw, given).hash).toBe(given);
      expect({ ...decodeTx(raw, txHash(raw)) }).toEqual({ ...decodeTx(raw) });
    }
  });
});

// Ethereum transactions: legacy with EIP-155 replay protection (type 0) and EIP-1559 (type 2),
// byte-identical to what viem and ethers produce. The hash is Ethereum's: keccak256 of the raw bytes.
import { type Address, addressFromBytes, addressFromPublicKey, addressToBytes } from './address.ts';
import { bytesToHex, concatBytes, type Hex } from './bytes.ts';
import { DecodeError, OpenchainError } from './errors.ts';
import { keccak256, keccak256Concat } from './hash.ts';
import { asBigint, asBytes, asList, type RlpInput, type RlpItem, rlpDecode, rlpEncode } from './rlp.ts';
import { rlpListHeader } from './rlpEncode.ts';
import { type RecoverableSignature, recoverPublicKey, type Secp256k1Backend, signHash } from './secp256k1.ts';

export type AccessList = { address: Address; storageKeys: Hex[] }[];

interface TxFields {
  chainId: bigint;
  nonce: bigint;
  gasLimit: bigint;
  /** null is contract creation, which this chain decodes but does not execute. */
  to: Address | null;
  value: bigint;
  data: Uint8Array;
}

export interface LegacyTxFields extends TxFields {
  type: 0;
  gasPrice: bigint;
}

export interface DynamicFeeTxFields extends TxFields {
  type: 2;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  accessList: AccessList;
}

export type UnsignedTx = LegacyTxFields | DynamicFeeTxFields;

export type SignedTx = UnsignedTx &
  RecoverableSignature & {
    /** The exact bytes that were decoded or produced; what is gossiped and stored. */
    readonly raw: Uint8Array;
    readonly hash: Hex;
  };

export class TxDecodeError extends OpenchainError<'TX_DECODE'> {
  constructor(message: string) {
    super('TX_DECODE', message);
  }
}

/** Highest fee the sender can be charged per gas unit. */
export function maxFeePerGas(tx: UnsignedTx): bigint {
  return tx.type === 0 ? tx.gasPrice : tx.maxFeePerGas;
}

/** Tip per gas offered on top of baseFee (capped by the max fee). */
export function effectiveTip(tx: UnsignedTx, baseFee: bigint): bigint {
  if (tx.type === 0) return tx.gasPrice - baseFee;
  const room = tx.maxFeePerGas - baseFee;
  return room < tx.maxPriorityFeePerGas ? room : tx.maxPriorityFeePerGas;
}

function encodeAccessList(list: AccessList): RlpInput {
  return list.map((e) => [
    addressToBytes(e.address),
    e.storageKeys.map((k) => Buffer.from(k.slice(2), 'hex')),
  ]);
}

function decodeAccessList(item: RlpItem | undefined): AccessList {
  return asList(item, 'accessList').map((entry, i) => {
    const [address, keys] = asList(entry, `accessList[${i}]`, 2);
    return {
      address: addressFromBytes(asBytes(address, `accessList[${i}].address`, 20)),
      storageKeys: asList(keys, `accessList[${i}].storageKeys`).map(
        (k, j) => bytesToHex(asBytes(k, `accessList[${i}].storageKeys[${j}]`, 32)) as Hex,
      ),
    };
  });
}

function toField(to: Address | null): Uint8Array {
  return to === null ? new Uint8Array(0) : addressToBytes(to);
}

function payloadFields(tx: UnsignedTx): RlpInput[] {
  if (tx.type === 0) return [tx.nonce, tx.gasPrice, tx.gasLimit, toField(tx.to), tx.value, tx.data];
  return [
    tx.chainId,
    tx.nonce,
    tx.maxPriorityFeePerGas,
    tx.maxFeePerGas,
    tx.gasLimit,
    toField(tx.to),
    tx.value,
    tx.data,
    encodeAccessList(tx.accessList),
  ];
}

/**
 * Transactions from decodeTx. Strict decoding means their raw bytes are the canonical encoding of
 * their fields, so the signed fields are hashed where they lie in `raw` instead of being encoded
 * again (for an 11 KB inference record, an 11 KB encode and two copies). A copy of a decoded
 * transaction with changed fields is another object, and is encoded.
 */
const decoded = new WeakSet<UnsignedTx>();

const TYPE_2 = Uint8Array.of(2);
const TWO_EMPTY = Uint8Array.of(0x80, 0x80);

/** Big-endian length of `n` bytes at `at`. */
function readLength(bytes: Uint8Array, at: number, n: number): number {
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + bytes[at + i]!;
  return length;
}

/** The encodings of the first `count` items of an RLP list, as they lie in its well-formed bytes. */
function leadingItems(list: Uint8Array, count: number): Uint8Array {
  const start = list[0]! <= 0xf7 ? 1 : 1 + list[0]! - 0xf7;
  let pos = start;
  for (let i = 0; i < count; i++) {
    const b = list[pos]!;
    if (b < 0x80) pos += 1;
    else if (b <= 0xb7) pos += 1 + b - 0x80;
    else if (b < 0xc0) pos += 1 + b - 0xb7 + readLength(list, pos + 1, b - 0xb7);
    else if (b <= 0xf7) pos += 1 + b - 0xc0;
    else pos += 1 + b - 0xf7 + readLength(list, pos + 1, b - 0xf7);
  }
  return list.subarray(start, pos);
}

function signingHashFromRaw(tx: SignedTx): Uint8Array {
  if (tx.type === 0) {
    const fields = leadingItems(tx.raw, 6);
    const chainId = rlpEncode(tx.chainId);
    const header = rlpListHeader(fields.length + chainId.length + TWO_EMPTY.length);
    return keccak256Concat(header, fields, chainId, TWO_EMPTY);
  }
  return dynamicFeeSigningHash(tx.raw);
}

/**
 * The signing hash of a type-2 transaction from its raw bytes alone, which must be those of a
 * decoded transaction (strictly decoded, so well-formed): what the recovery workers compute.
 */
export function dynamicFeeSigningHash(raw: Uint8Array): Uint8Array {
  const fields = leadingItems(raw.subarray(1), 9);
  return keccak256Concat(TYPE_2, rlpListHeader(fields.length), fields);
}

/**
 * The raw bytes of a decoded type-2 transaction, whose signing hash dynamicFeeSigningHash computes
 * from them alone; undefined for any other (a legacy one's needs its chain id, a copy's its fields).
 */
export function dynamicFeeRaw(tx: SignedTx): Uint8Array | undefined {
  return tx.type === 2 && decoded.has(tx) ? tx.raw : undefined;
}

/** The hash the sender signs. */
export function signingHash(tx: UnsignedTx): Uint8Array {
  if (decoded.has(tx)) return signingHashFromRaw(tx as SignedTx);
  if (tx.type === 0) return keccak256(rlpEncode([...payloadFields(tx), tx.chainId, 0, 0]));
  return keccak256(concatBytes(Uint8Array.of(2), rlpEncode(payloadFields(tx))));
}

export function encodeSignedTx(tx: UnsignedTx, sig: RecoverableSignature): Uint8Array {
  if (tx.type === 0) {
    const v = tx.chainId * 2n + 35n + BigInt(sig.yParity);
    return rlpEncode([...payloadFields(tx), v, sig.r, sig.s]);
  }
  return concatBytes(Uint8Array.of(2), rlpEncode([...payloadFields(tx), sig.yParity, sig.r, sig.s]));
}

export function signTx(tx: UnsignedTx, privateKey: Uint8Array, backend?: Secp256k1Backend): SignedTx {
  const sig = signHash(signingHash(tx), privateKey, backend);
  const raw = encodeSignedTx(tx, sig);
  return { ...tx, ...sig, raw, hash: txHash(raw) };
}

/**
 * A transaction's hash from its signed bytes alone, as Ethereum defines it for legacy and typed
 * transactions alike: keccak256 of the raw encoding. Finding a transaction by hash needs no decode.
 */
export function txHash(raw: Uint8Array): Hex {
  return bytesToHex(keccak256(raw));
}

function decodeTo(item: RlpItem | undefined): Address | null {
  const bytes = asBytes(item, 'to');
  if (bytes.length === 0) return null;
  if (bytes.length !== 20) throw new TxDecodeError(`to: expected 20 bytes or empty, got ${bytes.length}`);
  return addressFromBytes(bytes);
}

function decodeLegacy(raw: Uint8Array, hash: Hex): SignedTx {
  const f = asList(rlpDecode(raw, 'transaction'), 'legacy transaction', 9);
  const v = asBigint(f[6], 'v');
  if (v === 27n || v === 28n) {
    throw new TxDecodeError(
      'legacy transaction without chain id (pre-EIP-155) is not accepted; sign with a chain id',
    );
  }
  if (v < 37n) throw new TxDecodeError(`invalid v value ${v} for an EIP-155 transaction`);
  const chainId = (v - 35n) / 2n;
  return {
    type: 0,
    chainId,
    nonce: asBigint(f[0], 'nonce', 8),
    gasPrice: asBigint(f[1], 'gasPrice'),
    gasLimit: asBigint(f[2], 'gasLimit', 8),
    to: decodeTo(f[3]),
    value: asBigint(f[4], 'value'),
    data: asBytes(f[5], 'data'),
    yParity: Number((v - 35n) % 2n),
    r: asBigint(f[7], 'r'),
    s: asBigint(f[8], 's'),
    raw,
    hash,
  };
}

function decodeDynamicFee(raw: Uint8Array, hash: Hex): SignedTx {
  const f = asList(rlpDecode(raw.subarray(1), 'transaction'), 'EIP-1559 transaction', 12);
  const yParity = asBigint(f[9], 'yParity', 1);
  if (yParity > 1n) throw new TxDecodeError(`yParity must be 0 or 1, got ${yParity}`);
  return {
    type: 2,
    chainId: asBigint(f[0], 'chainId'),
    nonce: asBigint(f[1], 'nonce', 8),
    maxPriorityFeePerGas: asBigint(f[2], 'maxPriorityFeePerGas'),
    maxFeePerGas: asBigint(f[3], 'maxFeePerGas'),
    gasLimit: asBigint(f[4], 'gasLimit', 8),
    to: decodeTo(f[5]),
    value: asBigint(f[6], 'value'),
    data: asBytes(f[7], 'data'),
    accessList: decodeAccessList(f[8]),
    yParity: Number(yParity),
    r: asBigint(f[10], 'r'),
    s: asBigint(f[11], 's'),
    raw,
    hash,
  };
}

/**
 * Decodes raw transaction bytes (the payload of eth_sendRawTransaction). Does not check the
 * signature; recoverSender does. Throws TxDecodeError with the offending field. Nonce and gas
 * limit are read as at most 8 bytes, which is Ethereum's 2^64 - 1 bound. A caller that has already
 * hashed `raw` (a block's transactions are first looked up in the mempool by hash) passes that hash,
 * so that 11 KB of an inference record are not hashed a second time; it must be txHash(raw).
 */
export function decodeTx(raw: Uint8Array, hash?: Hex): SignedTx {
  if (raw.length === 0) throw new TxDecodeError('empty transaction');
  const first = raw[0]!;
  let tx: SignedTx;
  try {
    if (first >= 0xc0) tx = decodeLegacy(raw, hash ?? txHash(raw));
    else if (first === 0x02) tx = decodeDynamicFee(raw, hash ?? txHash(raw));
    else if (first <= 0x7f) {
      throw new TxDecodeError(
        `unsupported transaction type 0x${first.toString(16).padStart(2, '0')}: only legacy (EIP-155) and type 2 (EIP-1559) are accepted`,
      );
    } else throw new TxDecodeError('malformed transaction: not an RLP list or typed envelope');
  } catch (err) {
    if (err instanceof DecodeError) throw new TxDecodeError(err.message);
    throw err;
  }
  decoded.add(tx);
  return tx;
}

/** Recovers the sender's address; throws SignatureError for invalid signatures. */
export function recoverSender(tx: SignedTx, backend?: Secp256k1Backend): Address {
  return addressFromPublicKey(recoverPublicKey(signingHash(tx), tx, backend));
}

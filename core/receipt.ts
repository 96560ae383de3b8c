// Transaction receipts and logs, as committed to by a header's receiptsRoot and logsBloom.
// Logs are Ethereum logs (address, up to four 32-byte topics, data), so ordinary decoders work.
import { type Address, addressFromBytes, addressToBytes } from './address.ts';
import { bytesToHex, type Hex, hexToBytes } from './bytes.ts';
import { DecodeError } from './errors.ts';
import { merkleRoot } from './merkle.ts';
import { asBigint, asBytes, asList, asSafeInt, type RlpItem, rlpDecode, rlpEncode } from './rlp.ts';

export interface Log {
  readonly address: Address;
  readonly topics: readonly Hex[];
  readonly data: Uint8Array;
}

export interface Receipt {
  readonly status: 0 | 1;
  readonly gasUsed: bigint;
  readonly cumulativeGasUsed: bigint;
  readonly logs: readonly Log[];
}

// Topic bytes by topic string. Logs repeat the same topics (event signatures, recipients, ids of
// one record) and module events hand out the same strings for them, so a lookup replaces a
// validated hex parse per topic, which was most of the cost of encoding an inference record's
// receipt. Bounded, cleared when full; the returned bytes are only read.
const topicBytes = new Map<string, Uint8Array>();
const TOPIC_CACHE_ENTRIES = 16_384;

function topicToBytes(topic: Hex): Uint8Array {
  let bytes = topicBytes.get(topic);
  if (bytes === undefined) {
    bytes = hexToBytes(topic);
    if (topicBytes.size >= TOPIC_CACHE_ENTRIES) topicBytes.clear();
    topicBytes.set(topic, bytes);
  }
  return bytes;
}

function logFields(log: Log) {
  return [addressToBytes(log.address), log.topics.map(topicToBytes), log.data];
}

// Receipts are immutable once built, and each is encoded twice on the commit path (for the
// receipts root and for storage): remember the encoding per object.
const encoded = new WeakMap<Receipt, Uint8Array>();

export function encodeReceipt(r: Receipt): Uint8Array {
  let bytes = encoded.get(r);
  if (!bytes) {
    bytes = rlpEncode([r.status, r.cumulativeGasUsed, r.gasUsed, r.logs.map(logFields)]);
    encoded.set(r, bytes);
  }
  return bytes;
}

function decodeLog(item: RlpItem, i: number): Log {
  const [address, topics, data] = asList(item, `logs[${i}]`, 3);
  return {
    address: addressFromBytes(asBytes(address, `logs[${i}].address`, 20)),
    topics: asList(topics, `logs[${i}].topics`).map((t, j) =>
      bytesToHex(asBytes(t, `logs[${i}].topics[${j}]`, 32)),
    ),
    data: asBytes(data, `logs[${i}].data`),
  };
}

/** A list of logs on its own: the events of a block's end-of-block step (state/execution/endBlock.ts). */
export function encodeLogs(logs: readonly Log[]): Uint8Array {
  return rlpEncode(logs.map(logFields));
}

export function decodeLogs(bytes: Uint8Array): Log[] {
  return asList(rlpDecode(bytes, 'logs'), 'logs').map(decodeLog);
}

export function decodeReceipt(bytes: Uint8Array): Receipt {
  const f = asList(rlpDecode(bytes, 'receipt'), 'receipt', 4);
  const status = asSafeInt(f[0], 'receipt.status');
  if (status !== 0 && status !== 1) throw new DecodeError(`receipt.status must be 0 or 1, got ${status}`);
  return {
    status,
    cumulativeGasUsed: asBigint(f[1], 'receipt.cumulativeGasUsed', 8),
    gasUsed: asBigint(f[2], 'receipt.gasUsed', 8),
    logs: asList(f[3], 'receipt.logs').map(decodeLog),
  };
}

export function receiptsRoot(receipts: readonly Receipt[]): Hex {
  return bytesToHex(merkleRoot(receipts.map(encodeReceipt)));
}

// The module's events as Ethereum logs from the module address: topic0 is the keccak256 of the
// event signature, indexed arguments are topics, the rest is ABI-encoded data, so viem's
// decodeEventLog and eth_getLogs filters work unchanged.
//
// Encoded here rather than with ox because an inference record emits a dozen logs and ox took
// about 15 µs per log (through hex strings), more than the rest of a payout. The encoder covers
// the types the events use (uintN, bool, address, bytes32, string, static tuples, arrays of those);
// test/state/modules/attribution/events.test.ts checks it against ox for every event.
import { AbiEvent, type AbiParameters } from 'ox';
import { concatBytes, type Hex, hexToBytes, utf8ToBytes } from '../../../core/bytes.ts';
import type { Log } from '../../../core/receipt.ts';
import type { CallContext } from '../module.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from './abi.ts';
import { GAS } from './gas.ts';
import type { Payout } from './records.ts';

type EventName = AbiEvent.Name<typeof attributionAbi>;
/** The event's arguments by name, as ox decodes them (bigint for uint64 and wider, hex for bytes). */
type EventArgs<N extends EventName> = AbiEvent.decode.ReturnType<AbiEvent.FromAbi<typeof attributionAbi, N>>;

type Param = AbiParameters.Parameter;

interface EventCodec {
  readonly topic0: Hex;
  readonly topics: readonly { readonly name: string; readonly encode: (value: unknown) => Hex }[];
  readonly data: readonly Param[];
  readonly dataNames: readonly string[];
}

const codecs = new Map<string, EventCodec>();

function codecOf(name: EventName): EventCodec {
  let codec = codecs.get(name);
  if (!codec) {
    const event: AbiEvent.AbiEvent = AbiEvent.fromAbi(attributionAbi, name);
    const data = event.inputs.filter((p) => !p.indexed);
    codec = {
      topic0: AbiEvent.getSelector(event),
      // Indexed arguments of the events are all single words (no strings, arrays or tuples).
      topics: event.inputs
        .filter((p) => p.indexed)
        .map((p) => ({ name: p.name!, encode: topicEncoder(p.type) })),
      data,
      dataNames: data.map((p) => p.name!),
    };
    codecs.set(name, codec);
  }
  return codec;
}

const ZERO_PADDING = '0'.repeat(24);

/**
 * A topic (one 32-byte word, lowercase hex) straight from the value, without building its bytes.
 * Recent values keep their string: the same recipients, models and inference id recur log after
 * log, and handing out the same string object lets the logs bloom and receipt encoding find it in
 * their maps without hashing a fresh 66-character string each time.
 */
function topicEncoder(type: string): (value: unknown) => Hex {
  const encode = topicOf(type);
  const recent = new Map<unknown, Hex>();
  return (value) => {
    let topic = recent.get(value);
    if (topic === undefined) {
      topic = encode(value);
      if (recent.size >= 1_024) recent.clear();
      recent.set(value, topic);
    }
    return topic;
  };
}

function topicOf(type: string): (value: unknown) => Hex {
  if (type === 'address') return (v) => `0x${ZERO_PADDING}${(v as string).slice(2).toLowerCase()}`;
  if (type === 'bytes32') return (v) => (v as string).toLowerCase() as Hex;
  if (!type.startsWith('uint')) throw new Error(`event encoder: unsupported indexed type ${type}`);
  return (v) => `0x${(v as bigint | number).toString(16).padStart(64, '0')}`;
}

export function encodeLog<N extends EventName>(name: N, args: EventArgs<N>): Log {
  const { topic0, topics, data, dataNames } = codecOf(name);
  const values = args as Record<string, unknown>;
  const out: Hex[] = [topic0];
  for (const t of topics) out.push(t.encode(values[t.name]));
  return {
    address: ATTRIBUTION_ADDRESS,
    topics: out,
    data: encodeTuple(
      data,
      dataNames.map((n) => values[n]),
    ),
  };
}

/** Charges for and emits one event. */
export function emit<N extends EventName>(ctx: CallContext, name: N, args: EventArgs<N>): void {
  ctx.useGas(GAS.log);
  ctx.emit(encodeLog(name, args));
}

/** One RewardPaid log per payout of an inference, in the payouts' order. */
export function emitPayouts(ctx: CallContext, inferenceId: bigint, payouts: readonly Payout[]): void {
  for (const p of payouts) {
    emit(ctx, 'RewardPaid', {
      inferenceId,
      recipient: p.recipient,
      role: p.role,
      refId: p.refId,
      amount: p.amount,
    });
  }
}

function isDynamic(p: Param): boolean {
  if (p.type.endsWith('[]') || p.type === 'string' || p.type === 'bytes') return true;
  return p.type === 'tuple' && componentsOf(p).some(isDynamic);
}

function componentsOf(p: Param): readonly Param[] {
  return 'components' in p ? p.components : [];
}

/** Bytes a static parameter takes (one word, or one per component of a static tuple). */
function staticSize(p: Param): number {
  return p.type === 'tuple' ? componentsOf(p).reduce((sum, c) => sum + staticSize(c), 0) : 32;
}

/** Writes a static parameter in place. */
function writeStatic(out: Uint8Array, at: number, p: Param, value: unknown): number {
  if (p.type === 'tuple') {
    const object = value as Record<string, unknown>;
    for (const c of componentsOf(p)) at = writeStatic(out, at, c, object[c.name!]);
    return at;
  }
  putWord(out, at, p.type, value);
  return at + 32;
}

/** Head/tail encoding of a tuple of parameters. */
function encodeTuple(params: readonly Param[], values: readonly unknown[]): Uint8Array {
  if (!params.some(isDynamic)) {
    // Every log of a payout (RewardPaid) takes this path: one buffer, written in place.
    const out = new Uint8Array(params.reduce((sum, p) => sum + staticSize(p), 0));
    let at = 0;
    for (let i = 0; i < params.length; i++) at = writeStatic(out, at, params[i]!, values[i]);
    return out;
  }
  const heads: Uint8Array[] = [];
  const tails: Uint8Array[] = [];
  let headSize = 0;
  for (const p of params) headSize += isDynamic(p) ? 32 : staticSize(p);
  let tailSize = 0;
  params.forEach((p, i) => {
    const encoded = encode(p, values[i]);
    if (isDynamic(p)) {
      heads.push(word('uint256', BigInt(headSize + tailSize)));
      tails.push(encoded);
      tailSize += encoded.length;
    } else {
      heads.push(encoded);
    }
  });
  return concatBytes(...heads, ...tails);
}

function encode(p: Param, value: unknown): Uint8Array {
  if (p.type.endsWith('[]')) {
    const items = value as readonly unknown[];
    const element = { ...p, type: p.type.slice(0, -2) } as Param;
    return concatBytes(
      word('uint256', BigInt(items.length)),
      encodeTuple(Array<Param>(items.length).fill(element), items),
    );
  }
  if (p.type === 'tuple') {
    const components = componentsOf(p);
    const object = value as Record<string, unknown>;
    return encodeTuple(
      components,
      components.map((c) => object[c.name!]),
    );
  }
  if (p.type === 'string' || p.type === 'bytes') {
    const bytes = p.type === 'string' ? utf8ToBytes(value as string) : hexToBytes(value as string);
    const padded = new Uint8Array(Math.ceil(bytes.length / 32) * 32);
    padded.set(bytes);
    return concatBytes(word('uint256', BigInt(bytes.length)), padded);
  }
  return word(p.type, value);
}

/** One 32-byte word: unsigned integers and addresses right-aligned, bytes32 as is. */
function word(type: string, value: unknown): Uint8Array {
  const out = new Uint8Array(32);
  putWord(out, 0, type, value);
  return out;
}

function putWord(out: Uint8Array, at: number, type: string, value: unknown): void {
  if (type === 'address' || type === 'bytes32') {
    // Addresses and hashes reach here as validated 0x-hex strings.
    const bytes = Buffer.from((value as string).slice(2), 'hex');
    out.set(bytes, at + (type === 'address' ? 12 : 0));
    return;
  }
  if (type === 'bool') {
    out[at + 31] = value ? 1 : 0;
    return;
  }
  if (!type.startsWith('uint')) throw new Error(`event encoder: unsupported type ${type}`);
  const v = value as bigint | number;
  if (v <= Number.MAX_SAFE_INTEGER) {
    // Ids, sizes and most amounts: two 32-bit halves of a safe integer, no BigInt arithmetic.
    const n = Number(v);
    const high = Math.floor(n / 2 ** 32);
    const low = n >>> 0;
    out[at + 24] = high >>> 24;
    out[at + 25] = high >>> 16;
    out[at + 26] = high >>> 8;
    out[at + 27] = high;
    out[at + 28] = low >>> 24;
    out[at + 29] = low >>> 16;
    out[at + 30] = low >>> 8;
    out[at + 31] = low;
    return;
  }
  const hex = v.toString(16);
  if (hex.length > 64) throw new RangeError(`event encoder: ${v} does not fit in ${type}`);
  Buffer.from(out.buffer, out.byteOffset + at, 32).write(hex.padStart(64, '0'), 'hex');
}

// The module's events as Ethereum logs from the module address: topic0 is the keccak256 of the
// event signature, indexed arguments are topics, the rest is ABI-encoded data, so viem's
// decodeEventLog and eth_getLogs filters work unchanged.
//
// Encoded here rather than with ox because an inference record emits a dozen logs and ox took
// about 15 µs per log (through hex strings), more than the rest of a payout. The encoder covers
// the types the events use (uintN, address, bytes32, string, static tuples, arrays of those);
// test/state/modules/attribution/events.test.ts checks it against ox for every event.
import { AbiEvent, type AbiParameters } from 'ox';
import { bytesToHex, concatBytes, type Hex, hexToBytes, utf8ToBytes } from '../../../core/bytes.ts';
import type { Log } from '../../../core/receipt.ts';
import type { CallContext } from '../module.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from './abi.ts';
import { GAS } from './gas.ts';

type EventName = AbiEvent.Name<typeof attributionAbi>;
/** The event's arguments by name, as ox decodes them (bigint for uint64 and wider, hex for bytes). */
type EventArgs<N extends EventName> = AbiEvent.decode.ReturnType<AbiEvent.FromAbi<typeof attributionAbi, N>>;

type Param = AbiParameters.Parameter;

interface EventCodec {
  readonly topic0: Hex;
  readonly indexed: readonly Param[];
  readonly data: readonly Param[];
}

const codecs = new Map<string, EventCodec>();

function codecOf(name: EventName): EventCodec {
  let codec = codecs.get(name);
  if (!codec) {
    const event: AbiEvent.AbiEvent = AbiEvent.fromAbi(attributionAbi, name);
    codec = {
      topic0: AbiEvent.getSelector(event),
      indexed: event.inputs.filter((p) => p.indexed),
      data: event.inputs.filter((p) => !p.indexed),
    };
    codecs.set(name, codec);
  }
  return codec;
}

export function encodeLog<N extends EventName>(name: N, args: EventArgs<N>): Log {
  const { topic0, indexed, data } = codecOf(name);
  const values = args as Record<string, unknown>;
  return {
    address: ATTRIBUTION_ADDRESS,
    // Indexed arguments of the events are all single words (no strings, arrays or tuples).
    topics: [topic0, ...indexed.map((p) => bytesToHex(word(p.type, values[p.name!])))],
    data: encodeTuple(
      data,
      data.map((p) => values[p.name!]),
    ),
  };
}

/** Charges for and emits one event. */
export function emit<N extends EventName>(ctx: CallContext, name: N, args: EventArgs<N>): void {
  ctx.useGas(GAS.log);
  ctx.emit(encodeLog(name, args));
}

function isDynamic(p: Param): boolean {
  if (p.type.endsWith('[]') || p.type === 'string' || p.type === 'bytes') return true;
  return p.type === 'tuple' && componentsOf(p).some(isDynamic);
}

function componentsOf(p: Param): readonly Param[] {
  return 'components' in p ? p.components : [];
}

/** Head/tail encoding of a tuple of parameters. */
function encodeTuple(params: readonly Param[], values: readonly unknown[]): Uint8Array {
  const heads: Uint8Array[] = [];
  const tails: Uint8Array[] = [];
  let headSize = 0;
  for (const p of params)
    headSize += isDynamic(p) ? 32 : p.type === 'tuple' ? 32 * componentsOf(p).length : 32;
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
  if (type === 'address' || type === 'bytes32') {
    // Addresses and hashes reach here as validated 0x-hex strings.
    out.set(Buffer.from((value as string).slice(2), 'hex'), type === 'address' ? 12 : 0);
    return out;
  }
  if (!type.startsWith('uint')) throw new Error(`event encoder: unsupported type ${type}`);
  let n = BigInt(value as bigint | number);
  for (let i = 31; n > 0n; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

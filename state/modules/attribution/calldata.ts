// Strict Solidity-ABI decoding of calldata, straight from the bytes, driven by the ox ABI items.
//
// Hand-written because it is on the block-verification hot path: ox's decoder took 220-490 µs for
// an 8-span inference record (it decodes through hex strings), about ten plain transfers' worth of
// execution; this one returns byte arguments as views into the calldata and takes a few µs.
// test/state/modules/attribution/calldata.test.ts checks it against ox on random values.
//
// Strictness (the same on every validator, so the same calldata is accepted everywhere): offsets and
// lengths must lie inside the data; integers must fit their declared width; addresses, bytesN and
// bools must have zero padding; strings must be valid UTF-8. Trailing bytes are ignored, as
// Solidity does. Fixed-size arrays and signed integers are not used by the module and are refused.
import type { AbiFunction, AbiParameters } from 'ox';
import { type Address, addressFromBytes } from '../../../core/address.ts';

type Param = AbiParameters.Parameter;

/** The value a parameter of ABI type T (with tuple components C) decodes to. */
type Decoded<T extends string, C> = T extends `${infer Inner}[]`
  ? Decoded<Inner, C>[]
  : T extends 'tuple'
    ? C extends readonly Param[]
      ? DecodedStruct<C>
      : never
    : T extends 'address'
      ? Address
      : T extends 'bool'
        ? boolean
        : T extends 'string'
          ? string
          : T extends `bytes${string}`
            ? Uint8Array
            : T extends `uint${string}`
              ? bigint
              : never;

type DecodedParam<P> = P extends { type: infer T extends string; components: infer C }
  ? Decoded<T, C>
  : P extends { type: infer T extends string }
    ? Decoded<T, never>
    : never;

type DecodedStruct<C extends readonly Param[]> = {
  [P in C[number] as P extends { name: infer N extends string } ? N : never]: DecodedParam<P>;
};

type DecodedParams<P extends readonly unknown[]> = { -readonly [I in keyof P]: DecodedParam<P[I]> };

/** A function's arguments, positionally. */
export type DecodedArgs<F extends AbiFunction.AbiFunction> = DecodedParams<F['inputs']>;

export class AbiDecodeError extends Error {}

const WORD = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes the arguments after the 4-byte selector. */
export function decodeArgs<const F extends AbiFunction.AbiFunction>(
  fn: F,
  calldata: Uint8Array,
): DecodedArgs<F> {
  let decode = compiled.get(fn);
  if (!decode) {
    decode = compileTuple(fn.inputs).decode;
    compiled.set(fn, decode);
  }
  const data = calldata.subarray(4);
  // The runtime walk mirrors the Decoded<> types above; this cast is the one place they meet.
  return decode(
    { data, view: new DataView(data.buffer, data.byteOffset, data.byteLength) },
    0,
  ) as DecodedArgs<F>;
}

interface Input {
  readonly data: Uint8Array;
  readonly view: DataView;
}

type Decode = (input: Input, at: number) => unknown;

/** A parameter's decoder, built once per ABI item: the type strings are parsed ahead of any calldata. */
interface Codec {
  /** Dynamic parameters sit behind an offset word in the head. */
  readonly dynamic: boolean;
  /** Bytes the parameter takes in the head. */
  readonly head: number;
  readonly decode: Decode;
}

const compiled = new WeakMap<AbiFunction.AbiFunction, Decode>();

function compile(p: Param): Codec {
  const what = p.name ?? p.type;
  if (p.type === 'bytes32[]') return compileWords(what);
  if (p.type.endsWith('[]')) return compileArray(compile({ ...p, type: p.type.slice(0, -2) } as Param), what);
  if (p.type === 'tuple') {
    const components = 'components' in p ? p.components : [];
    const tuple = compileTuple(components);
    const names = components.map((c, i) => c.name ?? String(i));
    return {
      ...tuple,
      decode: (input, at) => {
        const values = tuple.decode(input, at) as unknown[];
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) out[names[i]!] = values[i];
        return out;
      },
    };
  }
  const lengthOf = `length of ${what}`;
  if (p.type === 'bytes')
    return { dynamic: true, head: WORD, decode: (input, at) => readBytes(input, at, what, lengthOf) };
  if (p.type === 'string') {
    return {
      dynamic: true,
      head: WORD,
      decode: (input, at) => {
        try {
          return utf8.decode(readBytes(input, at, what, lengthOf));
        } catch (err) {
          if (err instanceof AbiDecodeError) throw err;
          throw new AbiDecodeError(`${what} is not valid UTF-8`);
        }
      },
    };
  }
  if (p.type === 'address') {
    return static_((input, at) => {
      requireZeros(input, at, 12, what);
      return addressFromBytes(input.data.subarray(at + 12, at + WORD));
    });
  }
  if (p.type === 'bool') {
    return static_((input, at) => {
      requireZeros(input, at, 31, what);
      const b = input.data[at + 31]!;
      if (b > 1) throw new AbiDecodeError(`${what} is not 0 or 1`);
      return b === 1;
    });
  }
  const bytesN = /^bytes([1-9]|[12][0-9]|3[0-2])$/.exec(p.type);
  if (bytesN) {
    const size = Number(bytesN[1]);
    return static_((input, at) => {
      requireWord(input, at);
      for (let i = at + size; i < at + WORD; i++) {
        if (input.data[i] !== 0) throw new AbiDecodeError(`${what} has non-zero padding`);
      }
      return input.data.subarray(at, at + size);
    });
  }
  const uint =
    /^uint(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?$/.exec(
      p.type,
    );
  if (uint) {
    const padding = WORD - Number(uint[1] ?? 256) / 8;
    return static_((input, at) => {
      requireZeros(input, at, padding, what);
      return readUint(input, at);
    });
  }
  throw new Error(`ABI type ${p.type} is not supported by the calldata decoder`);
}

function static_(decode: Decode): Codec {
  return { dynamic: false, head: WORD, decode };
}

function compileTuple(params: readonly Param[]): Codec {
  const codecs = params.map(compile);
  const dynamic = codecs.some((c) => c.dynamic);
  const head = dynamic ? WORD : codecs.reduce((sum, c) => sum + c.head, 0);
  const offsetOf = params.map((p) => `offset of ${p.name ?? p.type}`);
  return {
    dynamic,
    head,
    decode: (input, start) => {
      const values: unknown[] = [];
      let at = start;
      for (let i = 0; i < codecs.length; i++) {
        const codec = codecs[i]!;
        if (codec.dynamic) {
          values.push(codec.decode(input, start + readSize(input, at, offsetOf[i]!)));
          at += WORD;
        } else {
          values.push(codec.decode(input, at));
          at += codec.head;
        }
      }
      return values;
    },
  };
}

function compileArray(element: Codec, what: string): Codec {
  const lengthOf = `length of ${what}`;
  const offsetOf = `offset of an element of ${what}`;
  return {
    dynamic: true,
    head: WORD,
    decode: (input, at) => {
      const length = readSize(input, at, lengthOf);
      const start = at + WORD;
      // Every element takes at least its head: refuse lengths the data cannot hold before allocating.
      if (length * element.head > input.data.length - start) {
        throw new AbiDecodeError(`${what}: ${length} elements do not fit in the calldata`);
      }
      const values: unknown[] = [];
      let head = start;
      for (let i = 0; i < length; i++) {
        if (element.dynamic) {
          values.push(element.decode(input, start + readSize(input, head, offsetOf)));
        } else {
          values.push(element.decode(input, head));
        }
        head += element.head;
      }
      return values;
    },
  };
}

/**
 * bytes32[]: the Merkle paths, most of an inference record's elements. Every 32-byte word is a
 * valid bytes32, so once the array is known to lie inside the data the words are taken as they are:
 * the same values and errors as compileArray over bytesN, without a check per element.
 */
function compileWords(what: string): Codec {
  const lengthOf = `length of ${what}`;
  return {
    dynamic: true,
    head: WORD,
    decode: (input, at) => {
      const length = readSize(input, at, lengthOf);
      const start = at + WORD;
      if (length * WORD > input.data.length - start) {
        throw new AbiDecodeError(`${what}: ${length} elements do not fit in the calldata`);
      }
      const values: Uint8Array[] = new Array(length);
      for (let i = 0, w = start; i < length; i++, w += WORD) values[i] = input.data.subarray(w, w + WORD);
      return values;
    },
  };
}

function requireWord(input: Input, at: number): void {
  if (at < 0 || at + WORD > input.data.length) {
    throw new AbiDecodeError(`calldata too short: needs a word at byte ${at + 4}`);
  }
}

function requireZeros(input: Input, at: number, count: number, what: string): void {
  requireWord(input, at);
  for (let i = at; i < at + count; i++) {
    if (input.data[i] !== 0) throw new AbiDecodeError(`${what} does not fit its type (non-zero high bytes)`);
  }
}

/** An offset or length: must fit in 32 bits (more could never lie inside a transaction). */
function readSize(input: Input, at: number, what: string): number {
  requireZeros(input, at, 28, what);
  return input.view.getUint32(at + 28);
}

function readBytes(input: Input, at: number, what: string, lengthOf: string): Uint8Array {
  const length = readSize(input, at, lengthOf);
  const begin = at + WORD;
  if (begin + length > input.data.length)
    throw new AbiDecodeError(`${what} of ${length} bytes runs past the calldata`);
  return input.data.subarray(begin, begin + length);
}

function readUint(input: Input, at: number): bigint {
  // Most values fit in the low 8 bytes; read those without going through a hex string.
  const view = input.view;
  if (view.getUint32(at) === 0 && view.getUint32(at + 4) === 0 && view.getUint32(at + 8) === 0) {
    const high = view.getUint32(at + 12) * 2 ** 32 + view.getUint32(at + 16) + view.getUint32(at + 20);
    if (high === 0) return view.getBigUint64(at + 24);
  }
  return BigInt(`0x${Buffer.from(input.data.buffer, input.data.byteOffset + at, WORD).toString('hex')}`);
}

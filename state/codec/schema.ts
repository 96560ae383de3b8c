// Records declared once: a record's fields and their types are written down in one place, and its
// canonical RLP encoding and strict decoding are derived from that declaration (ChainSafe/ssz's
// ContainerType is the model). Field order is the encoding, so reordering fields is a
// state-breaking change. Errors name the field: `validator.tokens: integer longer than 32 bytes`.
//
// Parameters are declared the same way with bounds (`param(type, { min, max })`) and the rules that
// tie several of them together, so the module that reads them, the genesis validation that admits
// them and the governance proposals that change them check the same limits.
import {
  type Address,
  addressFromBytes,
  addressToBytes,
  isAddress,
  toChecksumAddress,
} from '../../core/address.ts';
import { bytesToUtf8, utf8ToBytes } from '../../core/bytes.ts';
import { DecodeError, OpenchainError } from '../../core/errors.ts';
import {
  asBigint,
  asBytes,
  asList,
  type RlpInput,
  type RlpItem,
  rlpDecode,
  rlpEncode,
} from '../../core/rlp.ts';

/** One field's type: how its value becomes an RLP item and back, checked both ways. */
export interface FieldType<T> {
  /** What the type is, for messages and docs (`uint64`, `address`, `string`...). */
  readonly name: string;
  toRlp(value: T, field: string): RlpInput;
  fromRlp(item: RlpItem | undefined, field: string): T;
}

/** The value type a FieldType describes. */
export type TypeOf<F> = F extends FieldType<infer T> ? T : never;

/** A value that cannot be encoded as its declared type (a bug of the caller, never user input). */
export class SchemaError extends OpenchainError<'SCHEMA'> {
  constructor(message: string) {
    super('SCHEMA', message);
  }
}

function fits(value: bigint, bits: number): boolean {
  return value >= 0n && value < 1n << BigInt(bits);
}

/** An unsigned integer of `bits` bits, as a bigint (amounts, shares, accumulators). */
export function bigUint(bits: number): FieldType<bigint> {
  return {
    name: `uint${bits}`,
    toRlp(value, field) {
      if (!fits(value, bits)) throw new SchemaError(`${field}: ${value} does not fit in uint${bits}`);
      return value;
    },
    fromRlp(item, field) {
      const value = asBigint(item, field, Math.ceil(bits / 8));
      if (!fits(value, bits)) throw new DecodeError(`${field}: ${value} does not fit in uint${bits}`);
      return value;
    },
  };
}

/** An unsigned integer of `bits` bits (at most 53 effective), as a JS number (heights, times, bps). */
export function uint(bits: 8 | 16 | 32 | 64): FieldType<number> {
  const max = Math.min(2 ** bits - 1, Number.MAX_SAFE_INTEGER);
  return {
    name: `uint${bits}`,
    toRlp(value, field) {
      if (!Number.isSafeInteger(value) || value < 0 || value > max)
        throw new SchemaError(`${field}: ${value} is not a uint${bits}`);
      return value;
    },
    fromRlp(item, field) {
      const value = asBigint(item, field, Math.ceil(bits / 8));
      if (value > BigInt(max)) throw new DecodeError(`${field}: ${value} is above ${max}`);
      return Number(value);
    },
  };
}

export const uint8 = uint(8);
export const uint16 = uint(16);
export const uint32 = uint(32);
export const uint64 = uint(64);
export const uint256 = bigUint(256);

export const bool: FieldType<boolean> = {
  name: 'bool',
  toRlp: (value) => (value ? 1 : 0),
  fromRlp(item, field) {
    const value = asBigint(item, field, 1);
    if (value > 1n) throw new DecodeError(`${field}: ${value} is not a bool (0 or 1)`);
    return value === 1n;
  },
};

export const address: FieldType<Address> = {
  name: 'address',
  toRlp: (value) => addressToBytes(value),
  fromRlp: (item, field) => addressFromBytes(asBytes(item, field, 20)),
};

/** A byte string, of exactly `length` bytes if given. */
export function bytes(length?: number): FieldType<Uint8Array> {
  return {
    name: length === undefined ? 'bytes' : `bytes${length}`,
    toRlp(value, field) {
      if (length !== undefined && value.length !== length)
        throw new SchemaError(`${field}: ${value.length} bytes, expected ${length}`);
      return value;
    },
    fromRlp: (item, field) => asBytes(item, field, length),
  };
}

/** UTF-8 text of at most `maxBytes` bytes. */
export function text(maxBytes: number): FieldType<string> {
  const check = (size: number, field: string, fail: (m: string) => Error) => {
    if (size > maxBytes) throw fail(`${field}: ${size} bytes of text, limit ${maxBytes}`);
  };
  return {
    name: 'string',
    toRlp(value, field) {
      const encoded = utf8ToBytes(value);
      check(encoded.length, field, (m) => new SchemaError(m));
      return encoded;
    },
    fromRlp(item, field) {
      const raw = asBytes(item, field);
      check(raw.length, field, (m) => new DecodeError(m));
      return bytesToUtf8(raw);
    },
  };
}

/** A list of items of one type. */
export function list<T>(item: FieldType<T>): FieldType<readonly T[]> {
  return {
    name: `${item.name}[]`,
    toRlp: (values, field) => values.map((v, i) => item.toRlp(v, `${field}[${i}]`)),
    fromRlp: (raw, field) => asList(raw, field).map((v, i) => item.fromRlp(v, `${field}[${i}]`)),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: any field type; each field keeps its own through RecordOf
type Fields = Record<string, FieldType<any>>;
/** The value a record of these fields holds. */
export type RecordOf<F extends Fields> = { readonly [K in keyof F]: TypeOf<F[K]> };

/** A record type: a field of other records, and a standalone codec to and from bytes. */
export interface RecordType<T> extends FieldType<T> {
  readonly fieldNames: readonly string[];
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** Declares a record: `record('validator', { operator: address, tokens: uint256 })`. */
export function record<F extends Fields>(name: string, fields: F): RecordType<RecordOf<F>> {
  const entries = Object.entries(fields) as [string, FieldType<unknown>][];
  const fieldNames = entries.map(([n]) => n);
  const toRlp = (value: RecordOf<F>, field: string): RlpInput[] => {
    const v = value as Record<string, unknown>;
    return entries.map(([n, type]) => type.toRlp(v[n], `${field}.${n}`));
  };
  const fromRlp = (item: RlpItem | undefined, field: string): RecordOf<F> => {
    const items = asList(item, field, entries.length);
    const out: Record<string, unknown> = {};
    entries.forEach(([n, type], i) => {
      out[n] = type.fromRlp(items[i], `${field}.${n}`);
    });
    return out as RecordOf<F>;
  };
  return {
    name,
    fieldNames,
    toRlp,
    fromRlp,
    encode: (value) => rlpEncode(toRlp(value, name)),
    decode: (encoded) => fromRlp(rlpDecode(encoded, name), name),
  };
}

/** What a parameter holds: an integer, a flag or an account (the treasury). */
export type ParamValue = number | bigint | boolean | Address;

/** A parameter: its type and the inclusive bounds every accepted value lies within. */
export interface Param<T extends ParamValue> {
  readonly type: FieldType<T>;
  readonly min?: T;
  readonly max?: T;
  /** Why the bounds are where they are, added to the message that refuses a value outside them. */
  readonly why?: string;
}

export function param<T extends ParamValue>(
  type: FieldType<T>,
  bounds: { min?: T; max?: T; why?: string } = {},
): Param<T> {
  return { type, ...bounds };
}

/** The message refusing a value outside a parameter's bounds; undefined for a value within them. */
export function boundsProblem(name: string, p: Param<ParamValue>, value: ParamValue): string | undefined {
  const why = p.why ? `: ${p.why}` : '';
  // A missing bound compares as the value itself, never outside.
  if (value < (p.min ?? value)) return `${name} is ${value}, below its minimum ${p.min}${why}`;
  if (value > (p.max ?? value)) return `${name} is ${value}, above its maximum ${p.max}${why}`;
  return undefined;
}

/**
 * A parameter's value kind: `address` for the address type, else what the empty RLP string decodes
 * to under its type (0n, 0 or false).
 */
export function paramKind(p: Param<ParamValue>): 'bigint' | 'number' | 'boolean' | 'address' {
  if (p.type === address) return 'address';
  return typeof p.type.fromRlp(new Uint8Array(0), 'kind') as 'bigint' | 'number' | 'boolean';
}

/**
 * An address as a person writes it: 0x and 40 hex digits, all lower case, all upper case, or mixed
 * case that is its EIP-55 checksum (a mixed-case typo is caught rather than accepted).
 */
export function parseAddressText(text: string): Address | undefined {
  if (!isAddress(text)) return undefined;
  const digits = text.slice(2);
  const lower = text.toLowerCase() as Address;
  const oneCase = digits === digits.toLowerCase() || digits === digits.toUpperCase();
  return oneCase || toChecksumAddress(lower) === text ? lower : undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: any parameter type; each keeps its own through ParamsOf
type Params = Record<string, Param<any>>;
export type ParamsOf<P extends Params> = {
  readonly [K in keyof P]: P[K] extends Param<infer T> ? T : never;
};

/** A parameter value outside its declared bounds, or a combination of values its rules forbid. */
export class ParamError extends OpenchainError<'BAD_PARAM'> {
  readonly param: string;
  constructor(param: string, message: string) {
    super('BAD_PARAM', message);
    this.param = param;
  }
}

/** A broken rule between parameters of one set: the parameter to blame, and why the values cannot hold. */
export interface RuleBreak {
  readonly param: string;
  readonly message: string;
}

export interface ParamSet<T> extends RecordType<T> {
  readonly params: Record<string, Param<ParamValue>>;
  /** Throws ParamError naming the first parameter outside its bounds or the first broken rule. */
  check(values: T): T;
}

/**
 * Declares a parameter set: a record whose decoding and `check` enforce every bound, then `rules`
 * (values within their bounds that still cannot go together).
 */
export function paramSet<P extends Params>(
  name: string,
  params: P,
  rules: (values: ParamsOf<P>) => RuleBreak | undefined = () => undefined,
): ParamSet<ParamsOf<P>> {
  const specs = params as unknown as Record<string, Param<ParamValue>>;
  const fields = Object.fromEntries(Object.entries(specs).map(([n, p]) => [n, p.type])) as Fields;
  const codec = record(name, fields) as unknown as RecordType<ParamsOf<P>>;
  const check = (values: ParamsOf<P>): ParamsOf<P> => {
    const v = values as Record<string, ParamValue>;
    for (const [n, p] of Object.entries(specs)) {
      const problem = boundsProblem(`${name}.${n}`, p, v[n]!);
      if (problem) throw new ParamError(n, problem);
    }
    const broken = rules(values);
    if (broken) throw new ParamError(broken.param, `${name}.${broken.param}: ${broken.message}`);
    return values;
  };
  return {
    ...codec,
    params: specs,
    check,
    decode: (encoded) => check(codec.decode(encoded)),
    encode: (values) => codec.encode(check(values)),
  };
}

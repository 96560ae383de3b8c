// Reusable zod validators for Ethereum JSON-RPC parameters. Each one checks the wire form (geth's
// rules, so tools see the same rejections they see elsewhere) and converts it to the domain type:
// quantities to bigint, data to bytes, addresses and hashes to lowercase hex.
import { z } from 'zod';
import { type Address, isAddress } from '../core/address.ts';
import { equalBytes, type Hex, hexToBytes, isHex } from '../core/bytes.ts';
import type { AccessList } from '../core/tx.ts';

export type BlockTag = 'latest' | 'pending' | 'earliest' | 'safe' | 'finalized';

/** A block selector after validation. `number` fits a JS safe integer, as block heights do in core. */
export type BlockRef =
  | { kind: 'tag'; tag: BlockTag }
  | { kind: 'number'; number: number }
  | { kind: 'hash'; hash: Hex; requireCanonical: boolean };

/** eth_call / eth_estimateGas argument; null fields count as absent, `data` is folded into `input`. */
export interface CallRequest {
  from?: Address;
  to?: Address;
  gas?: bigint;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  value?: bigint;
  nonce?: bigint;
  type?: number;
  accessList?: AccessList;
  input?: Uint8Array;
}

const BLOCK_TAGS: readonly string[] = ['latest', 'pending', 'earliest', 'safe', 'finalized'];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 70 ? `${value.slice(0, 66)}…` : value);
  return `a ${typeof value}`;
}

const parsers = new WeakMap<z.ZodType, (value: unknown) => unknown>();

/**
 * A validator built from a parse function that throws RangeError with the reason. z.unknown() as the
 * input keeps zod's generic messages out: every rejection reads like the parser wrote it.
 */
function param<T>(parse: (value: unknown) => T) {
  const schema = z.unknown().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message, input: value });
      return z.NEVER;
    }
  });
  parsers.set(schema, parse);
  return schema;
}

/**
 * The parse function behind a schema made by `param` (undefined for any other schema). Calling it
 * gives what the schema's parse gives, or throws the RangeError whose message would be its issue:
 * `method` calls it directly on well-formed calls and leaves zod the rejections, which it words.
 */
export function parserOf(schema: z.ZodType): ((value: unknown) => unknown) | undefined {
  return parsers.get(schema);
}

function expectString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new RangeError(`expected ${what}, got ${describe(value)}`);
  return value;
}

const QUANTITY_RE = /^0x(?:0|[1-9a-fA-F][0-9a-fA-F]*)$/;

/** Ethereum QUANTITY: 0x-prefixed, no leading zeros ("0x0" is zero), at most `bits` wide, as geth. */
function parseQuantity(value: unknown, what: string, bits: number): bigint {
  const s = expectString(value, what);
  if (!QUANTITY_RE.test(s)) {
    if (!s.startsWith('0x')) throw new RangeError(`${what} must start with 0x, got ${describe(s)}`);
    if (s.length === 2) throw new RangeError(`${what} "0x" has no digits`);
    if (!isHex(s)) throw new RangeError(`${what} ${describe(s)} has non-hex characters`);
    throw new RangeError(`${what} ${describe(s)} has leading zero digits`);
  }
  // The length test first keeps a megabyte-long digit string away from BigInt().
  if (s.length - 2 > Math.ceil(bits / 4) || BigInt(s) >> BigInt(bits) !== 0n)
    throw new RangeError(`${what} exceeds ${bits} bits`);
  return BigInt(s);
}

function parseFixedHex(value: unknown, what: string, bytes: number): Hex {
  const s = expectString(value, what);
  if (s.length !== 2 + 2 * bytes || !isHex(s)) throw new RangeError(`expected ${what}, got ${describe(s)}`);
  return s.toLowerCase() as Hex;
}

function parseBlockNumberOrTag(value: unknown): BlockRef {
  const s = expectString(value, 'a block number or tag');
  if (BLOCK_TAGS.includes(s)) return { kind: 'tag', tag: s as BlockTag };
  if (!s.startsWith('0x'))
    throw new RangeError(
      `expected a hex block number or one of ${BLOCK_TAGS.join(', ')}, got ${describe(s)}`,
    );
  return { kind: 'number', number: Number(parseQuantity(s, 'block number', 53)) };
}

/** EIP-1898: a number or tag, `{ blockNumber }`, `{ blockHash, requireCanonical? }`, or (like geth) a bare hash. */
function parseBlockRef(value: unknown): BlockRef {
  if (typeof value === 'string') {
    if (value.length === 66)
      return {
        kind: 'hash',
        hash: parseFixedHex(value, 'a 32-byte block hash', 32),
        requireCanonical: false,
      };
    return parseBlockNumberOrTag(value);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RangeError(
      `expected a block number, tag, hash or {blockHash}/{blockNumber} object, got ${describe(value)}`,
    );
  const { blockHash, blockNumber, requireCanonical } = value as Record<string, unknown>;
  if (blockHash !== undefined && blockNumber !== undefined)
    throw new RangeError('cannot specify both blockHash and blockNumber, choose one or the other');
  if (blockNumber !== undefined) return parseBlockNumberOrTag(blockNumber);
  if (blockHash === undefined) throw new RangeError('expected a blockHash or blockNumber field');
  if (requireCanonical !== undefined && typeof requireCanonical !== 'boolean')
    throw new RangeError(`requireCanonical must be a boolean, got ${describe(requireCanonical)}`);
  return {
    kind: 'hash',
    hash: parseFixedHex(blockHash, 'a 32-byte block hash', 32),
    requireCanonical: requireCanonical ?? false,
  };
}

/** QUANTITY up to 256 bits (balances, values, fees). */
export const quantity = param((v) => parseQuantity(v, 'hex quantity', 256));
/** QUANTITY up to 64 bits (gas, nonces, counts), as geth's hexutil.Uint64. */
export const uint64 = param((v) => parseQuantity(v, 'hex quantity', 64));
/** A block height as a JS number. */
export const blockNumber = param((v) => Number(parseQuantity(v, 'block number', 53)));
/** DATA: 0x-prefixed, even number of hex digits; "0x" is empty. */
export const data = param((v) => hexToBytes(expectString(v, 'hex data')));
/** 20-byte address in any case (checksums are not enforced), returned lowercase. */
export const address = param((v) => {
  const s = expectString(v, 'a 20-byte hex address');
  if (!isAddress(s)) throw new RangeError(`expected a 20-byte hex address, got ${describe(s)}`);
  return s.toLowerCase() as Address;
});
/** 32-byte hash (block, transaction, storage key), returned lowercase. */
export const hash = param((v) => parseFixedHex(v, 'a 32-byte hex hash', 32));
export const bool = param((v) => {
  if (typeof v !== 'boolean') throw new RangeError(`expected a boolean, got ${describe(v)}`);
  return v;
});
/** A block tag or number (eth_getBlockByNumber, eth_getLogs bounds). */
export const blockNumberOrTag = param(parseBlockNumberOrTag);
/** A block tag, number or hash, EIP-1898 style (eth_getBalance, eth_call, eth_getCode...). */
export const blockRef = param(parseBlockRef);

/** Like geth's pointer fields: null and absent are the same thing. */
function field<T>(schema: z.ZodType<T>) {
  return schema.nullish().transform((v) => v ?? undefined);
}

const accessList = z.array(z.object({ address, storageKeys: z.array(hash) }), {
  error: 'accessList must be an array of {address, storageKeys}',
});

/** Transaction call object for eth_call / eth_estimateGas. Unknown fields are ignored, as geth does. */
export const callRequest = z
  .object(
    {
      from: field(address),
      to: field(address),
      gas: field(uint64),
      gasPrice: field(quantity),
      maxFeePerGas: field(quantity),
      maxPriorityFeePerGas: field(quantity),
      value: field(quantity),
      nonce: field(uint64),
      type: field(param((v) => Number(parseQuantity(v, 'transaction type', 8)))),
      accessList: field(accessList),
      data: field(data),
      input: field(data),
    },
    { error: (issue) => `expected a transaction call object, got ${describe(issue.input)}` },
  )
  .transform(({ data, input, ...rest }, ctx): CallRequest => {
    if (data !== undefined && input !== undefined && !equalBytes(data, input)) {
      ctx.addIssue({
        code: 'custom',
        message: 'both "data" and "input" are set and differ; use "input"',
        input,
      });
      return z.NEVER;
    }
    return { ...rest, input: input ?? data };
  });

// Module records as JSON for the open_ methods: quantities as hex as elsewhere in the API, bytes as
// hex, and enum fields by their names (each module names its own).
import { bigintToHex, bytesToHex } from '../core/bytes.ts';
import type { JsonValue } from './jsonrpc.ts';

/** A field's value → name table, from a `{ name: value }` enum object. */
export function namesOf(e: Record<string, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(e).map(([name, value]) => [value, name]));
}

/** bigint → hex quantity, bytes → hex, fields named in `enums` → their names, recursively. */
export function recordToJson(
  value: unknown,
  enums: Readonly<Record<string, Record<number, string>>>,
  key = '',
): JsonValue {
  if (typeof value === 'bigint') return bigintToHex(value);
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (typeof value === 'number' && enums[key]) return enums[key]![value] ?? value;
  if (Array.isArray(value)) return value.map((v) => recordToJson(v, enums));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, recordToJson(v, enums, k)]));
  }
  return value as JsonValue;
}

// The genesis-file form of a module's parameter set: derived from the module's own declaration
// (state/codec/schema.ts paramSet), so genesis validation admits exactly the values, within exactly
// the bounds, that the module reads.
import { z } from 'zod';
import { type Param, type ParamSet, paramKind } from '../state/codec/schema.ts';

const MAX_U256 = 2n ** 256n - 1n;

/** A bigint parameter is a decimal string in the file (JSON numbers lose precision above 2^53). */
export function decimal(name: string, min = 0n, max = MAX_U256) {
  return z
    .string({ error: `expected ${name} as a decimal string, e.g. "1000"` })
    .regex(
      /^(0|[1-9][0-9]*)$/,
      `expected ${name} as a decimal integer string without sign, spaces or leading zeros`,
    )
    .transform((s) => BigInt(s))
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);
}

function numberParam(p: Param<number>) {
  return z
    .number()
    .int('expected an integer')
    .min(p.min ?? 0)
    .max(p.max ?? Number.MAX_SAFE_INTEGER);
}

/** The JSON form follows the declared type's value kind (the decoding of the empty RLP string: 0n, 0 or false). */
function paramSchema(name: string, p: Param<number | bigint | boolean>): z.ZodType {
  const kind = paramKind(p);
  if (kind === 'boolean') return z.boolean();
  if (kind === 'bigint') return decimal(name, p.min as bigint | undefined, p.max as bigint | undefined);
  return numberParam(p as Param<number>);
}

/** What the file holds: bigints as decimal strings, the rest as they are. */
export type ParamsInput<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

export function paramSetSchema<T>(set: ParamSet<T>): z.ZodType<T, ParamsInput<T>> {
  const shape = Object.fromEntries(Object.entries(set.params).map(([n, p]) => [n, paramSchema(n, p)]));
  return z.strictObject(shape) as unknown as z.ZodType<T, ParamsInput<T>>;
}

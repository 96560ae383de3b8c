// The genesis-file form of a module's parameter set: derived from the module's own declaration
// (state/codec/schema.ts paramSet), so genesis validation admits exactly the values, within exactly
// the bounds and rules, that the module reads and governance checks changes against.
import { z } from 'zod';
import {
  boundsProblem,
  type Param,
  ParamError,
  type ParamSet,
  type ParamValue,
  paramKind,
  parseAddressText,
} from '../state/codec/schema.ts';

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

/** An integer within the parameter's bounds, refused with the message governance gives (and why). */
function numberParam(name: string, p: Param<number>) {
  return z
    .number()
    .int('expected an integer')
    .superRefine((n, ctx) => {
      const problem = boundsProblem(name, p, n);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** An address parameter: 0x-hex, lower case or EIP-55 checksummed (schema.ts parseAddressText). */
function addressParam(name: string) {
  const what = `expected ${name} as a 0x-prefixed 20-byte hex address, lower case or EIP-55 checksummed`;
  return z
    .string({ error: what })
    .refine((s) => parseAddressText(s) !== undefined, what)
    .transform((s) => parseAddressText(s)!);
}

/** The JSON form follows the declared type's value kind (paramKind: bigint, number, boolean or address). */
function paramSchema(name: string, p: Param<ParamValue>): z.ZodType {
  const kind = paramKind(p);
  if (kind === 'boolean') return z.boolean();
  if (kind === 'address') return addressParam(name);
  if (kind === 'bigint') return decimal(name, p.min as bigint | undefined, p.max as bigint | undefined);
  return numberParam(name, p as Param<number>);
}

/** What the file holds: bigints as decimal strings, the rest as they are. */
export type ParamsInput<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

/** Each of the set's parameters by its declared type and bounds. */
export function paramShape<T>(set: ParamSet<T>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(set.params).map(([n, p]) => [n, paramSchema(n, p)]));
}

/** The set's rules between its parameters, reported on the parameter a broken rule blames. */
export function paramRules<T>(set: ParamSet<T>) {
  return (values: unknown, ctx: z.core.$RefinementCtx): void => {
    try {
      set.check(values as T);
    } catch (err) {
      if (!(err instanceof ParamError)) throw err;
      ctx.addIssue({ code: 'custom', path: [err.param], message: err.message });
    }
  };
}

/** Rules compare parsed values: they wait until every parameter has parsed within its bounds. */
export const whenParsed = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

export function paramSetSchema<T>(set: ParamSet<T>): z.ZodType<T, ParamsInput<T>> {
  return z.strictObject(paramShape(set)).superRefine(paramRules(set), whenParsed) as unknown as z.ZodType<
    T,
    ParamsInput<T>
  >;
}

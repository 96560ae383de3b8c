// The genesis file's `staking` section (docs/genesis.md): the staking parameters and the rewards
// pool. The parameters' schema is derived from the module's own declarations (stakingParams in
// state/modules/staking/params.ts), so genesis validation admits exactly the values, within exactly
// the bounds, that the module reads.
import { z } from 'zod';
import type { Param } from '../state/codec/schema.ts';
import { stakingParams } from '../state/modules/staking/params.ts';

const MAX_U256 = 2n ** 256n - 1n;

/** A bigint parameter is a decimal string in the file (JSON numbers lose precision above 2^53). */
function decimal(name: string, min = 0n, max = MAX_U256) {
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
  const kind = typeof p.type.fromRlp(new Uint8Array(0), name);
  if (kind === 'boolean') return z.boolean();
  if (kind === 'bigint') return decimal(name, p.min as bigint | undefined, p.max as bigint | undefined);
  return numberParam(p as Param<number>);
}

const shape = Object.fromEntries(
  Object.entries(stakingParams.params).map(([n, p]) => [n, paramSchema(n, p)]),
);

type StakingParamsValue = ReturnType<typeof stakingParams.decode>;
/** What the file holds: bigints as decimal strings, the rest as they are. */
type StakingParamsInput = {
  [K in keyof StakingParamsValue]: StakingParamsValue[K] extends bigint ? string : StakingParamsValue[K];
};

export const stakingParamsSchema = z.strictObject(shape) as unknown as z.ZodType<
  StakingParamsValue,
  StakingParamsInput
>;

export const stakingSchema = z.strictObject({
  params: stakingParamsSchema,
  /** Paid out as block rewards (params.blockReward per block); held by the module, part of the supply. */
  rewardsPool: decimal('rewardsPool'),
});

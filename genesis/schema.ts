// The genesis file format (docs/genesis.md). Every field is required, defaults included, because the
// genesis hash must not depend on the defaults of whichever node version reads the file.
import { z } from 'zod';
import { isAddress, parseAddress } from '../core/address.ts';
import { isHex } from '../core/bytes.ts';
import { crossParamsProblem } from '../state/crossParams.ts';
import { type AttributionParams, attributionParams } from '../state/modules/attribution/params.ts';
import { LIMITS } from '../state/modules/staking/records.ts';
import { GENESIS_MAX_COMMISSION_BPS } from '../state/modules/staking/validators.ts';
import { type ChainParams, chainParams } from '../state/params.ts';
import { govSchema } from './gov.ts';
import { type ParamsInput, paramRules, paramSetSchema, paramShape, whenParsed } from './paramSet.ts';
import { stakingSchema } from './staking.ts';
import { vestingSchema, vestingTotal } from './vesting.ts';

const MAX_U256 = 2n ** 256n - 1n;
const MAX_U64 = 2n ** 64n - 1n;

/** Amounts and other big integers are decimal strings: JSON numbers lose precision above 2^53. */
const uint = (max: bigint, what: string) =>
  z
    .string({ error: `expected ${what} as a decimal string, e.g. "1000"` })
    .regex(
      /^(0|[1-9][0-9]*)$/,
      `expected ${what} as a decimal integer string without sign, spaces or leading zeros`,
    )
    .transform((s) => BigInt(s))
    .refine((n) => n <= max, `${what} is too large`);

const address = z
  .string({ error: 'expected a 0x-prefixed 20-byte hex address' })
  .refine(isAddress, 'expected a 0x-prefixed 20-byte hex address (40 hex digits)')
  .transform(parseAddress);

const ed25519Key = z
  .string({ error: 'expected a 0x-prefixed 32-byte hex ed25519 public key' })
  .refine(
    (s) => isHex(s) && s.length === 66,
    'expected a 0x-prefixed 32-byte hex ed25519 public key (64 hex digits)',
  )
  .transform((s) => s.toLowerCase() as `0x${string}`);

const safeInt = (min: number, max: number) => z.number().int('expected an integer').min(min).max(max);

/** The attribution module's parameters (state/modules/attribution/params.ts, docs/attribution.md). */
export const attributionParamsSchema = paramSetSchema(attributionParams);

/** The chain's parameters (state/params.ts) and, inside them, the attribution section. */
export const paramsSchema = z
  .strictObject({ ...paramShape(chainParams), attribution: attributionParamsSchema })
  .superRefine(paramRules(chainParams), whenParsed) as unknown as z.ZodType<
  ChainParams & { attribution: AttributionParams },
  ParamsInput<ChainParams> & { attribution: ParamsInput<AttributionParams> }
>;

export const allocSchema = z.strictObject({
  address,
  balance: uint(MAX_U256, 'balance'),
  /** Optional unlock schedule of part or all of the balance (docs/vesting.md). */
  vesting: vestingSchema.optional(),
});

export const validatorSchema = z.strictObject({
  // The name becomes the genesis validator's moniker, which the staking record bounds in UTF-8 bytes.
  name: z
    .string()
    .min(1)
    .max(64)
    .refine(
      (s) => Buffer.byteLength(s, 'utf8') <= LIMITS.moniker,
      `at most ${LIMITS.moniker} bytes of UTF-8 (the validator's moniker)`,
    ),
  pubKey: ed25519Key,
  power: uint(MAX_U64, 'power').refine((n) => n > 0n, 'power must be positive'),
  rewardAddress: address,
  /**
   * Commission in basis points, from a gentx statement; absent means 0 (files written before
   * statements carried one hash as they did). At most the genesis validators' maximum, 10%.
   */
  commissionBps: safeInt(0, GENESIS_MAX_COMMISSION_BPS).optional(),
});

const genesisFields = {
  chainId: safeInt(1, Number.MAX_SAFE_INTEGER),
  genesisTime: z.iso.datetime({ message: 'expected an ISO-8601 UTC time, e.g. "2026-01-01T00:00:00Z"' }),
  params: paramsSchema,
  alloc: z.array(allocSchema),
  validators: z.array(validatorSchema).min(1, 'at least one validator is required'),
  staking: stakingSchema,
  /** Absent: governance is off on this chain (files written before the module existed). */
  gov: govSchema.optional(),
};

export const genesisSchema = z
  .strictObject(genesisFields)
  // Runs even when fields failed to parse, so a file with a type error still shows every other
  // problem; it therefore reads the partly parsed value defensively (see crossFieldProblems).
  .superRefine((g, ctx) => crossFieldProblems(g, ctx), { when: () => true });

/**
 * A genesis being written with `openchain genesis new/add-account/add-validator`: every check of a
 * genesis except that it has a validator yet. A node only ever loads genesisSchema.
 */
export const genesisDraftSchema = z
  .strictObject({ ...genesisFields, validators: z.array(validatorSchema) })
  .superRefine((g, ctx) => crossFieldProblems(g, ctx), { when: () => true });

type Ctx = z.core.$RefinementCtx;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const records = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.map((e) => (isRecord(e) ? e : {})) : [];

/** Reports each entry whose `field` (already normalised by its schema) repeats an earlier entry's. */
function duplicates(
  ctx: Ctx,
  list: string,
  entries: Record<string, unknown>[],
  field: string,
  message: (first: number) => string,
): void {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const value = e[field];
    if (typeof value !== 'string') return;
    const first = seen.get(value);
    if (first !== undefined)
      ctx.addIssue({ code: 'custom', path: [list, i, field], message: message(first) });
    else seen.set(value, i);
  });
}

function crossFieldProblems(g: unknown, ctx: Ctx): void {
  if (!isRecord(g)) return;
  const alloc = records(g.alloc);
  duplicates(ctx, 'alloc', alloc, 'address', (first) => `duplicate of alloc[${first}]`);
  alloc.forEach((a, i) => {
    const vesting = isRecord(a.vesting) ? vestingTotal(a.vesting) : undefined;
    if (vesting !== undefined && typeof a.balance === 'bigint' && vesting > a.balance)
      ctx.addIssue({
        code: 'custom',
        path: ['alloc', i, 'vesting'],
        message: `the schedule locks ${vesting}, more than the balance ${a.balance}`,
      });
  });
  const staking = isRecord(g.staking) ? g.staking : {};
  // Balances are 256-bit: with the supply bounded and nothing minted, no credit can overflow. The
  // rewards pool is part of the supply (the staking module holds it).
  let supply = typeof staking.rewardsPool === 'bigint' ? staking.rewardsPool : 0n;
  for (const a of alloc) if (typeof a.balance === 'bigint') supply += a.balance;
  if (supply > MAX_U256) {
    ctx.addIssue({
      code: 'custom',
      path: ['alloc'],
      message: `the balances and the rewards pool sum to ${supply}, above the largest total supply 2^256-1 (${MAX_U256})`,
    });
  }
  const validators = records(g.validators);
  duplicates(ctx, 'validators', validators, 'pubKey', (first) => `same key as validators[${first}]`);
  duplicates(ctx, 'validators', validators, 'name', (first) => `same name as validators[${first}]`);
  duplicates(
    ctx,
    'validators',
    validators,
    'rewardAddress',
    (first) => `same rewardAddress (the validator's operator) as validators[${first}]`,
  );
  const params = isRecord(g.params) ? g.params : {};
  const stakingParams = isRecord(staking.params) ? staking.params : {};
  genesisStakeProblems(ctx, alloc, validators, stakingParams);
  const { evidenceMaxAgeBlocks } = params;
  const { unbondingBlocks } = stakingParams;
  if (typeof evidenceMaxAgeBlocks === 'number' && typeof unbondingBlocks === 'number') {
    const broken = crossParamsProblem({ evidenceMaxAgeBlocks }, { unbondingBlocks });
    if (broken) ctx.addIssue({ code: 'custom', path: ['params', 'evidenceMaxAgeBlocks'], message: broken });
  }
}

/**
 * Genesis validators become genesis stake: a self-bond of power × powerReduction taken from the
 * allocation of their operator (rewardAddress), which must cover it; the active set must hold them.
 */
function genesisStakeProblems(
  ctx: Ctx,
  alloc: Record<string, unknown>[],
  validators: Record<string, unknown>[],
  staking: Record<string, unknown>,
): void {
  // Values that failed their own bounds are still here (refinements run on every value) but were
  // reported already; they are not compared against.
  const { powerReduction, minSelfBond, maxValidators } = staking;
  if (typeof maxValidators === 'number' && maxValidators >= 1 && validators.length > maxValidators) {
    ctx.addIssue({
      code: 'custom',
      path: ['validators'],
      message: `${validators.length} validators, above staking.params.maxValidators (${maxValidators})`,
    });
  }
  if (typeof powerReduction !== 'bigint' || powerReduction < 1n) return;
  const balances = new Map<unknown, bigint>();
  for (const a of alloc) if (typeof a.balance === 'bigint') balances.set(a.address, a.balance);
  validators.forEach((v, i) => {
    if (typeof v.power !== 'bigint' || v.power <= 0n) return;
    const stake = v.power * powerReduction;
    if (typeof minSelfBond === 'bigint' && stake < minSelfBond) {
      ctx.addIssue({
        code: 'custom',
        path: ['validators', i, 'power'],
        message: `a self-bond of ${stake} (power ${v.power} × powerReduction ${powerReduction}) is below staking.params.minSelfBond (${minSelfBond})`,
      });
    }
    const balance = balances.get(v.rewardAddress) ?? 0n;
    if (typeof v.rewardAddress === 'string' && balance < stake) {
      ctx.addIssue({
        code: 'custom',
        path: ['validators', i, 'rewardAddress'],
        message: `its operator ${v.rewardAddress} is allocated ${balance}, less than the self-bond ${stake} (power ${v.power} × powerReduction ${powerReduction}) taken from it`,
      });
    }
  });
}

export type GenesisInput = z.input<typeof genesisSchema>;
export type Genesis = z.output<typeof genesisSchema>;

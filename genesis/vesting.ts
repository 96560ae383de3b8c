// The genesis form of an allocation's unlock schedule (docs/vesting.md): linear
// `{ amount, start, cliff, end }` or periodic `{ unlocks: [{ time, amount }] }`, times ISO-8601 UTC.
// The file keeps the times as written (so a parsed genesis writes back the same JSON); `scheduleOf`
// turns them into the state's schedule, whose rules (state/vesting/schedule.ts scheduleProblem)
// are the ones checked here.
import { z } from 'zod';
import { MAX_UNLOCKS, type Schedule, scheduleProblem, VestingKind } from '../state/vesting/schedule.ts';
import { decimal } from './paramSet.ts';

const time = z.iso
  .datetime({ message: 'expected an ISO-8601 UTC time, e.g. "2027-01-01T00:00:00Z"' })
  // NaN (not a time at all) is reported by the format check alone.
  .refine((s) => !(Date.parse(s) < 0), 'must not be before 1970-01-01T00:00:00Z');

const amount = (name: string) => decimal(name, 1n);

const unlockSchema = z.strictObject({ time, amount: amount('amount') });

const fields = z.strictObject({
  amount: amount('vesting.amount').optional(),
  start: time.optional(),
  cliff: time.optional(),
  end: time.optional(),
  unlocks: z
    .array(unlockSchema)
    .min(1, 'a periodic schedule needs at least one unlock')
    .max(MAX_UNLOCKS, `at most ${MAX_UNLOCKS} unlocks`)
    .optional(),
});

export type VestingInput = z.output<typeof fields>;
/** A schedule as the file spells it (amounts as decimal strings). */
export type VestingJson = z.input<typeof fields>;

const LINEAR = ['amount', 'start', 'cliff', 'end'] as const;

/** Which kind the fields given describe, or why they describe neither. */
function kindOf(v: VestingInput): VestingKind | string {
  const linear = LINEAR.filter((k) => v[k] !== undefined);
  if (v.unlocks !== undefined) {
    if (linear.length === 0) return VestingKind.periodic;
  } else if (linear.length === LINEAR.length) return VestingKind.linear;
  return 'expected either { amount, start, cliff, end } (linear vesting) or { unlocks: [{ time, amount }] } (periodic unlocks)';
}

/** The state's schedule of a checked genesis schedule. */
export function scheduleOf(v: VestingInput): Schedule {
  if (kindOf(v) === VestingKind.periodic) {
    const unlocks = (v.unlocks ?? []).map((u) => ({ time: Date.parse(u.time), amount: u.amount }));
    const original = unlocks.reduce((sum, u) => sum + u.amount, 0n);
    return { kind: VestingKind.periodic, original, start: 0, cliff: 0, end: 0, unlocks };
  }
  return {
    kind: VestingKind.linear,
    original: v.amount ?? 0n,
    start: Date.parse(v.start ?? ''),
    cliff: Date.parse(v.cliff ?? ''),
    end: Date.parse(v.end ?? ''),
    unlocks: [],
  };
}

export const vestingSchema = fields.superRefine((v, ctx) => {
  // A field that failed its own check was reported already; the schedule is judged once all pass.
  if (ctx.issues.length > 0) return;
  const kind = kindOf(v);
  const problem = typeof kind === 'string' ? kind : scheduleProblem(scheduleOf(v));
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** What a (possibly partly parsed) schedule locks in all, for the check against its balance. */
export function vestingTotal(v: Record<string, unknown>): bigint | undefined {
  if (typeof v.amount === 'bigint') return v.amount;
  if (!Array.isArray(v.unlocks)) return undefined;
  let sum = 0n;
  for (const u of v.unlocks as { amount?: unknown }[]) {
    if (typeof u?.amount !== 'bigint') return undefined;
    sum += u.amount;
  }
  return sum;
}

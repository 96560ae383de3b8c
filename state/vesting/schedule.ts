// Unlock schedules of genesis allocations (docs/vesting.md), as pure integer arithmetic over block
// time in milliseconds. Two kinds, as the Cosmos SDK's x/auth/vesting: linear (nothing before the
// cliff, then `amount × (t − start) / (end − start)` rounded down, all of it from `end`) and periodic
// (each unlock's amount from its time on). The delegation bookkeeping follows Cosmos's
// DelegatedVesting / DelegatedFree: staking takes locked tokens first, undelegation returns free
// tokens first, and locked = max(still vesting − delegated vesting, 0) of the account's own balance.

export const VestingKind = { linear: 0, periodic: 1 } as const;
export type VestingKind = (typeof VestingKind)[keyof typeof VestingKind];

/** Most unlocks one periodic schedule may have (30 years of monthly unlocks): each read walks them. */
export const MAX_UNLOCKS = 360;

export interface Unlock {
  /** Block time (ms) from which `amount` is vested. */
  readonly time: number;
  readonly amount: bigint;
}

export interface Schedule {
  readonly kind: VestingKind;
  /** Everything the schedule vests (linear: given; periodic: the sum of its unlocks). */
  readonly original: bigint;
  /** Linear only (0 for periodic): start, cliff and end, block time in ms. */
  readonly start: number;
  readonly cliff: number;
  readonly end: number;
  /** Periodic only (empty for linear): strictly increasing times. */
  readonly unlocks: readonly Unlock[];
}

/** A schedule together with what its account has staked out of it. */
export interface Vesting extends Schedule {
  /** Staked tokens that were locked when staked (Cosmos's DelegatedVesting). */
  readonly delegatedVesting: bigint;
  /** Staked tokens that were free when staked (Cosmos's DelegatedFree). */
  readonly delegatedFree: bigint;
}

/** Why a schedule is malformed, or undefined: the one list of rules genesis and decoding share. */
export function scheduleProblem(s: Schedule): string | undefined {
  if (s.kind === VestingKind.linear) {
    if (s.unlocks.length > 0) return 'a linear schedule has no unlocks';
    if (s.original <= 0n) return 'the vesting amount must be positive';
    if (s.cliff < s.start) return `the cliff (${iso(s.cliff)}) is before the start (${iso(s.start)})`;
    if (s.end < s.cliff) return `the end (${iso(s.end)}) is before the cliff (${iso(s.cliff)})`;
    if (s.end === s.start)
      return 'the end equals the start: a single unlock at one time is a periodic schedule with one unlock';
    return undefined;
  }
  if (s.start !== 0 || s.cliff !== 0 || s.end !== 0) return 'a periodic schedule has no start, cliff or end';
  if (s.unlocks.length === 0) return 'a periodic schedule needs at least one unlock';
  if (s.unlocks.length > MAX_UNLOCKS) return `${s.unlocks.length} unlocks, at most ${MAX_UNLOCKS}`;
  let sum = 0n;
  for (let i = 0; i < s.unlocks.length; i++) {
    const u = s.unlocks[i]!;
    if (u.amount <= 0n) return `unlock ${i}: the amount must be positive`;
    if (i > 0 && u.time <= s.unlocks[i - 1]!.time)
      return `unlock ${i}: its time (${iso(u.time)}) is not after unlock ${i - 1}'s`;
    sum += u.amount;
  }
  if (sum !== s.original) return `the unlocks sum to ${sum}, not the vesting amount ${s.original}`;
  return undefined;
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** Tokens of the schedule vested (free of it) at block time `t`. */
export function vestedAt(s: Schedule, t: number): bigint {
  if (s.kind === VestingKind.periodic) {
    let vested = 0n;
    for (const u of s.unlocks) {
      if (u.time > t) break;
      vested += u.amount;
    }
    return vested;
  }
  if (t < s.cliff) return 0n;
  if (t >= s.end) return s.original;
  return (s.original * BigInt(t - s.start)) / BigInt(s.end - s.start);
}

/** Tokens of the schedule still vesting at `t`. */
export function vestingAt(s: Schedule, t: number): bigint {
  return s.original - vestedAt(s, t);
}

/** Of the account's own balance, what may not move at `t`: still vesting and not staked. */
export function lockedAt(v: Vesting, t: number): bigint {
  const locked = vestingAt(v, t) - v.delegatedVesting;
  return locked > 0n ? locked : 0n;
}

/** What the account may transfer or pay fees with at `t`. */
export function spendableOf(balance: bigint, v: Vesting | undefined, t: number): bigint {
  if (!v) return balance;
  const locked = lockedAt(v, t);
  return balance > locked ? balance - locked : 0n;
}

/** `amount` staked at `t`: locked tokens first (Cosmos's TrackDelegation). */
export function afterDelegation(v: Vesting, t: number, amount: bigint): Vesting {
  const fromLocked = min(lockedAt(v, t), amount);
  return {
    ...v,
    delegatedVesting: v.delegatedVesting + fromLocked,
    delegatedFree: v.delegatedFree + amount - fromLocked,
  };
}

/**
 * `amount` returned from staking: free tokens first (Cosmos's TrackUndelegation), so tokens lost to
 * slashing count as vesting ones and stay out of the spendable balance until they would have vested.
 */
export function afterUndelegation(v: Vesting, amount: bigint): Vesting {
  const free = min(v.delegatedFree, amount);
  const vesting = min(v.delegatedVesting, amount - free);
  return { ...v, delegatedFree: v.delegatedFree - free, delegatedVesting: v.delegatedVesting - vesting };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/**
 * The times at which the sum of schedules changes slope or jumps, sorted and distinct: starts,
 * cliffs, ends and unlocks. Between two of them the total still vesting is linear (up to rounding).
 */
export function breakpoints(schedules: readonly Schedule[]): number[] {
  const times = new Set<number>();
  for (const s of schedules) {
    if (s.kind === VestingKind.linear) for (const t of [s.start, s.cliff, s.end]) times.add(t);
    else for (const u of s.unlocks) times.add(u.time);
  }
  return [...times].sort((a, b) => a - b);
}

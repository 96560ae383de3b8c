// open_ methods for unlock schedules (docs/vesting.md): an account's balances split into locked,
// vested and spendable at the latest block's time, and the supply's unlock curve, computed from the
// schedules in the state. Quantities are hex as elsewhere in the API; times are block times in ms.
import { z } from 'zod';
import type { Address } from '../core/address.ts';
import type { Chain } from '../state/chain.ts';
import type { StateReader } from '../state/stateDb.ts';
import { readSupply } from '../state/supply.ts';
import { breakpoints, type Schedule, VestingKind, vestedAt, vestingAt } from '../state/vesting/schedule.ts';
import { balancesAt, readVesting, readVestingAccounts } from '../state/vesting/store.ts';
import type { JsonValue } from './jsonrpc.ts';
import { address } from './params.ts';
import { namesOf, recordToJson } from './records.ts';
import { method } from './registry.ts';

const toJson = (value: unknown): JsonValue => recordToJson(value, { kind: namesOf(VestingKind) });

/** Most points of the unlock curve: past this, it is sampled evenly instead of at every breakpoint. */
export const MAX_CURVE_POINTS = 512;

export function accountBalances(state: StateReader, who: Address, time: number) {
  const v = readVesting(state, who);
  const { balance, locked, spendable } = balancesAt(state, who, time);
  const { delegatedVesting = 0n, delegatedFree = 0n, ...schedule } = v ?? {};
  return {
    address: who,
    time,
    /** What eth_getBalance reports. */
    balance,
    locked,
    spendable,
    /** Of the schedule: what has vested so far and what is still vesting (0 without one). */
    vested: v ? vestedAt(v, time) : 0n,
    vesting: v ? vestingAt(v, time) : 0n,
    /** Staked tokens that were locked, and free, when staked (Cosmos's DelegatedVesting/Free). */
    delegatedVesting,
    delegatedFree,
    schedule: v ? schedule : null,
  };
}

/** The times the curve is given at: each breakpoint and the millisecond before it (jumps show). */
function curveTimes(schedules: readonly Schedule[]): number[] {
  const points = breakpoints(schedules);
  if (points.length === 0) return [];
  const first = points[0]!;
  const last = points.at(-1)!;
  if (points.length * 2 > MAX_CURVE_POINTS) {
    const step = (last - first) / (MAX_CURVE_POINTS - 1);
    return Array.from({ length: MAX_CURVE_POINTS }, (_, i) => Math.round(first + i * step));
  }
  return [...new Set(points.flatMap((t) => [t - 1, t]))].sort((a, b) => a - b);
}

/** The supply under schedules over time: schedules never change after genesis, so neither does this. */
function unlockCurve(state: StateReader) {
  const schedules: Schedule[] = readVestingAccounts(state).map((a) => readVesting(state, a)!);
  const total = schedules.reduce((sum, s) => sum + s.original, 0n);
  const points = curveTimes(schedules).map((time) => {
    const vesting = schedules.reduce((sum, s) => sum + vestingAt(s, time), 0n);
    return { time, vesting, unlocked: total - vesting };
  });
  return { schedules, json: { accounts: schedules.length, total, points } };
}

export function vestingMethods(chain: Chain) {
  let curve: ReturnType<typeof unlockCurve> | undefined;
  return {
    /** An account's balance, locked, vested and spendable at the latest block, and its schedule. */
    open_getBalances: method(z.tuple([address]), ([who]) =>
      toJson(accountBalances(chain.state, who, chain.head.header.time)),
    ),
    /**
     * The total supply (state/supply.ts) and the tokens under unlock schedules: how many, how many
     * still vest at the latest block, and the
     * curve of what is still vesting over time (at every start, cliff, end and unlock, and the
     * millisecond before it; sampled evenly past MAX_CURVE_POINTS).
     */
    open_getUnlockCurve: method(z.tuple([]), () => {
      curve ??= unlockCurve(chain.state);
      const time = chain.head.header.time;
      const vesting = curve.schedules.reduce((sum, s) => sum + vestingAt(s, time), 0n);
      return toJson({ supply: readSupply(chain.state), ...curve.json, time, vesting });
    }),
  };
}

// What a transaction handler works with.
import type { CallContext } from '../module.ts';
import { StakingError } from './errors.ts';
import type { StakingParams } from './params.ts';
import type { Stake } from './store.ts';

export interface Call {
  readonly ctx: CallContext;
  /** ctx.state, metered by the gas schedule. */
  readonly stake: Stake;
  readonly params: StakingParams;
}

/** Non-payable functions: value sent with them would be stuck in the module account. */
export function requireNoValue(call: Call, fn: string): void {
  if (call.ctx.value !== 0n) {
    throw new StakingError('UNEXPECTED_VALUE', `${fn} is not payable, but ${call.ctx.value} was sent`);
  }
}

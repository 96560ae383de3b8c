// What a transaction handler works with.
import type { StateWriter } from '../attribution/store.ts';
import type { CallContext } from '../module.ts';
import { GovError } from './errors.ts';
import type { GovParams } from './params.ts';

export interface Call {
  readonly ctx: CallContext;
  /** ctx.state, metered by the gas schedule. */
  readonly state: StateWriter;
  readonly params: GovParams;
}

/** Non-payable functions: value sent with them would be stuck in the module account. */
export function requireNoValue(call: Call, fn: string): void {
  if (call.ctx.value !== 0n) {
    throw new GovError('UNEXPECTED_VALUE', `${fn} is not payable, but ${call.ctx.value} was sent`);
  }
}

// What a transaction handler works with.
import type { CallContext } from '../module.ts';
import type { AttributionParams } from './params.ts';
import type { ProofCache } from './proofCache.ts';
import type { StateWriter } from './store.ts';

export interface Call {
  readonly ctx: CallContext;
  /** ctx.state, metered by the gas schedule. */
  readonly state: StateWriter;
  readonly params: AttributionParams;
  readonly proofs: ProofCache;
}

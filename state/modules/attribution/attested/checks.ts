// Checks shared by the attested-record handlers.
import type { Call } from '../call.ts';
import { AttributionError } from '../errors.ts';
import { GAS } from '../gas.ts';
import { SCORE_MAX } from './consensus.ts';
import { type AttestedRecord, requireAttested } from './records.ts';

/** Scores as numbers, refusing any above SCORE_MAX (the ABI's uint16 allows up to 65,535). */
export function requireScores(scores: readonly bigint[], field: string, fn: string): number[] {
  return scores.map((s, i) => {
    if (s > BigInt(SCORE_MAX))
      throw new AttributionError(
        'SCORE_OUT_OF_RANGE',
        `${fn}: ${field}[${i}] is ${s}, scores are 0 to ${SCORE_MAX}`,
      );
    return Number(s);
  });
}

/** An attested record not settled yet, charging for its validator snapshot (decoded and scanned). */
export function openAttested(call: Call, id: bigint, fn: string): AttestedRecord {
  const r = requireAttested(call.state, id, fn);
  call.ctx.useGas(GAS.snapshotValidator * BigInt(r.validators.length));
  if (r.settled)
    throw new AttributionError('INFERENCE_SETTLED', `${fn}: attested inference ${id} is settled`);
  return r;
}

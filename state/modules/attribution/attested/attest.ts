// Commit–reveal of a validator's scores for an attested record (docs/attribution.md, "Attested
// scores"). Only validators of the record's snapshot attest, each as its operator address. A commit
// in (height, commitEnd] stores the commitment (a later one replaces it); a reveal in
// (commitEnd, revealEnd] must open it: the same scores and salt, from the same sender. Nobody can
// copy another's scores: they are hidden until every commit is in, and a commitment binds its sender.
import type { Address } from '../../../../core/address.ts';
import { equalBytes } from '../../../../core/bytes.ts';
import type { Call } from '../call.ts';
import { requireNoValue } from '../checks.ts';
import { AttributionError } from '../errors.ts';
import { emit } from '../events.ts';
import { GAS } from '../gas.ts';
import { openAttested, requireScores } from './checks.ts';
import { attestationCommitmentBytes } from './commitment.ts';
import { type AttestedRecord, readAttestation, writeAttestation } from './records.ts';

export function commitAttestation(call: Call, id: bigint, commitment: Uint8Array): void {
  const fn = 'commitAttestation';
  const { ctx } = call;
  requireNoValue(ctx, fn);
  const r = openAttested(call, id, fn);
  const height = ctx.block.height;
  if (height <= r.height)
    throw new AttributionError(
      'COMMIT_TOO_EARLY',
      `${fn}: commits to inference ${id} are accepted from height ${r.height + 1}`,
    );
  if (height > r.commitEnd)
    throw new AttributionError(
      'COMMIT_WINDOW_CLOSED',
      `${fn}: the commit half of inference ${id}'s window closed at height ${r.commitEnd}`,
    );
  const index = attesterIndex(r, ctx.from, id, fn);
  writeAttestation(call.state, id, index, { commitment, revealed: false, scores: [] });
  emit(ctx, 'AttestationCommitted', { inferenceId: id, validator: ctx.from });
}

export function revealAttestation(call: Call, id: bigint, scores: readonly bigint[], salt: Uint8Array): void {
  const fn = 'revealAttestation';
  const { ctx, state } = call;
  requireNoValue(ctx, fn);
  const r = openAttested(call, id, fn);
  ctx.useGas(GAS.score * BigInt(scores.length));
  const height = ctx.block.height;
  if (height <= r.commitEnd)
    throw new AttributionError(
      'REVEAL_TOO_EARLY',
      `${fn}: reveals for inference ${id} are accepted from height ${r.commitEnd + 1}`,
    );
  if (height > r.revealEnd)
    throw new AttributionError(
      'REVEAL_WINDOW_CLOSED',
      `${fn}: the reveal half of inference ${id}'s window closed at height ${r.revealEnd}`,
    );
  const index = attesterIndex(r, ctx.from, id, fn);
  const committed = readAttestation(state, id, index);
  if (!committed)
    throw new AttributionError('NO_COMMITMENT', `${fn}: ${ctx.from} made no commitment for inference ${id}`);
  if (committed.revealed)
    throw new AttributionError('ALREADY_REVEALED', `${fn}: ${ctx.from} already revealed for inference ${id}`);
  if (scores.length !== r.candidates.length)
    throw new AttributionError(
      'WRONG_SCORE_COUNT',
      `${fn}: ${scores.length} scores for inference ${id}'s ${r.candidates.length} candidates`,
    );
  const values = requireScores(scores, 'scores', fn);
  if (!equalBytes(attestationCommitmentBytes(id, ctx.from, values, salt), committed.commitment))
    throw new AttributionError(
      'COMMITMENT_MISMATCH',
      `${fn}: the scores and salt do not open ${ctx.from}'s commitment for inference ${id}`,
    );
  writeAttestation(state, id, index, { ...committed, revealed: true, scores: values });
  emit(ctx, 'AttestationRevealed', { inferenceId: id, validator: ctx.from, scores: values });
}

/** The sender's place in the record's validator snapshot, or a refusal. */
function attesterIndex(r: AttestedRecord, from: Address, id: bigint, fn: string): number {
  const index = r.validators.findIndex((v) => v.operator === from);
  if (index < 0)
    throw new AttributionError(
      'NOT_AN_ATTESTER',
      `${fn}: ${from} was not a validator at height ${r.height}, when inference ${id} was recorded`,
    );
  return index;
}

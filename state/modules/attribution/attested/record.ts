// recordAttestedInference: an inference whose contributors are named, not proven (docs/attribution.md,
// "Attested scores"). The recorder (the model's owner or a bonded operator, as for span records)
// names up to maxCandidates accepted contributions of the lineage's Datanets with its own claimed
// scores and pays the model's fee: the owners' and treasury's shares are paid at once, the
// contributors' and validators' shares are escrowed in the record until settlement. The validator
// set at this height is copied into the record: only its members attest, weighted by that power.
import { sha256 } from '../../../../core/hash.ts';
import { readValidators } from '../../../validatorSet.ts';
import type { Call } from '../call.ts';
import { AttributionError } from '../errors.ts';
import { emit, emitPayouts } from '../events.ts';
import { GAS } from '../gas.ts';
import { VALIDATORS } from '../inferences.ts';
import { Counter } from '../keys.ts';
import { lineage, lineageOwners } from '../models.ts';
import { requireRecorder } from '../operators.ts';
import { pay } from '../payout.ts';
import { type Payout, Role, STATUS_NAMES, Status } from '../records.ts';
import { inferenceFee, planPayouts, withFloors } from '../split.ts';
import {
  nextId,
  readModelStats,
  requireContribution,
  requireModel,
  writeInference,
  writeModelStats,
} from '../store.ts';
import { requireScores } from './checks.ts';
import { writeAttested } from './records.ts';

const FN = 'recordAttestedInference';

export interface RecordAttested {
  readonly modelId: bigint;
  readonly output: Uint8Array;
  readonly candidates: readonly bigint[];
  readonly claimedScores: readonly bigint[];
}

export function recordAttestedInference(call: Call, args: RecordAttested): void {
  const { ctx, state, params } = call;
  const { output, candidates } = args;
  // Charged before any work, as span records are.
  ctx.useGas(GAS.outputByte * BigInt(output.length) + GAS.candidate * BigInt(candidates.length));
  if (output.length > params.maxOutputBytes)
    throw new AttributionError(
      'OUTPUT_TOO_LARGE',
      `${FN}: output is ${output.length} bytes, limit ${params.maxOutputBytes}`,
    );
  if (candidates.length === 0)
    throw new AttributionError('INVALID_ARGUMENT', `${FN}: name at least one candidate contribution`);
  if (candidates.length > params.maxCandidates)
    throw new AttributionError(
      'TOO_MANY_CANDIDATES',
      `${FN}: ${candidates.length} candidates, limit ${params.maxCandidates}`,
    );
  if (args.claimedScores.length !== candidates.length)
    throw new AttributionError(
      'WRONG_SCORE_COUNT',
      `${FN}: ${args.claimedScores.length} claimed scores for ${candidates.length} candidates`,
    );
  const claimedScores = requireScores(args.claimedScores, 'claimedScores', FN);
  const model = requireModel(state, args.modelId);
  requireRecorder(call, args.modelId, model, FN);
  const fee = inferenceFee(model.feePerInference, model.feePerKiloByte, output.length);
  if (ctx.value !== fee)
    throw new AttributionError(
      'WRONG_FEE',
      `${FN}: model ${args.modelId} charges ${fee} for ${output.length} output bytes, but ${ctx.value} was sent`,
    );
  const models = lineage(state, args.modelId, model);
  const datanetIds = candidateDatanets(call, candidates, new Set(models.flatMap((m) => m.model.datanetIds)));

  const validators = readValidators(ctx.state);
  ctx.useGas(GAS.read + GAS.snapshotValidator * BigInt(validators.length));
  const planned = planPayouts({
    fee,
    split: withFloors(model.split, params),
    lineage: lineageOwners(models),
    validators: VALIDATORS,
    treasury: ctx.block.params.treasury,
  });
  // The validators' share is held for the attesters instead of going to the block's signers.
  const payouts: Payout[] = [];
  let validatorsPool = 0n;
  for (const p of planned.payouts) {
    if (p.role === Role.validator) validatorsPool += p.amount;
    else payouts.push(p);
  }
  pay(call, payouts, new Map());

  // One id space with span records: getInference and counts() answer for both.
  const id = nextId(state, Counter.inference);
  const outputHash = sha256(output);
  const height = ctx.block.height;
  const lineageIds = models.map((m) => m.modelId);
  writeInference(state, id, {
    modelId: args.modelId,
    caller: ctx.from,
    height,
    time: ctx.block.time,
    fee,
    outputHash,
    outputBytes: output.length,
    attributedBytes: 0,
    lineage: lineageIds,
    datanetIds,
    spans: [],
    payouts,
  });
  const stats = readModelStats(state, args.modelId);
  writeModelStats(state, args.modelId, {
    inferences: stats.inferences + 1n,
    feesCharged: stats.feesCharged + fee,
  });
  const commitEnd = height + Math.floor(params.attestationWindowBlocks / 2);
  const revealEnd = height + params.attestationWindowBlocks;
  writeAttested(state, id, {
    modelId: args.modelId,
    recorder: ctx.from,
    height,
    outputHash,
    outputBytes: output.length,
    candidates,
    claimedScores,
    commitEnd,
    revealEnd,
    pool: planned.contributorsPool,
    validatorsPool,
    validators: validators.map((v) => ({ operator: v.rewardAddress, power: v.power })),
    settled: false,
    quorumReached: false,
    consensusScores: [],
    revealedPower: 0n,
    payouts: [],
  });

  emit(ctx, 'AttestedInferenceRecorded', {
    inferenceId: id,
    modelId: args.modelId,
    recorder: ctx.from,
    candidates: [...candidates],
    commitEnd: BigInt(commitEnd),
    revealEnd: BigInt(revealEnd),
  });
  emitPayouts(ctx, id, payouts);
}

/** The candidates' Datanets (sorted), refusing duplicates and anything but accepted contributions of the lineage. */
function candidateDatanets(
  call: Call,
  candidates: readonly bigint[],
  lineage: ReadonlySet<bigint>,
): bigint[] {
  const seen = new Set<bigint>();
  const datanets = new Set<bigint>();
  candidates.forEach((id, i) => {
    if (seen.has(id))
      throw new AttributionError('DUPLICATE_CANDIDATE', `${FN}: candidates[${i}] repeats contribution ${id}`);
    seen.add(id);
    const c = requireContribution(call.state, id);
    if (c.status !== Status.accepted)
      throw new AttributionError(
        'CONTRIBUTION_NOT_ACCEPTED',
        `${FN}: candidates[${i}]: contribution ${id} is ${STATUS_NAMES[c.status]}, not accepted`,
      );
    if (!lineage.has(c.datanetId))
      throw new AttributionError(
        'DATANET_NOT_USED',
        `${FN}: candidates[${i}]: contribution ${id} belongs to datanet ${c.datanetId}, which the model's lineage does not use`,
      );
    datanets.add(c.datanetId);
  });
  return [...datanets].sort((a, b) => (a < b ? -1 : 1));
}

// Inference records: an inference of a model, its output, and span proofs attributing output bytes
// to registered contributions. Only the model's owner and its operators, bonded, may record
// (operators.ts). The fee sent with the record is split: the owners', validators' and treasury's
// shares are paid at once, the contributors' pool is escrowed under the record's canonical
// attribution until its challenge window closes (escrow.ts).
import { bytesToHex } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/hash.ts';
import { STAKING_ADDRESS } from '../staking/index.ts';
import type { Call } from './call.ts';
import { canonicalSegments, ownedBytes } from './canonical.ts';
import { AttributionError } from './errors.ts';
import { openEscrow } from './escrow.ts';
import { emit, emitPayouts } from './events.ts';
import { Counter } from './keys.ts';
import { lineage, lineageOwners } from './models.ts';
import { requireRecorder } from './operators.ts';
import { pay } from './payout.ts';
import { chargeProofWork, type SpanProof, type VerifiedSpan, verifySpans } from './spans.ts';
import { inferenceFee, planPayouts, withFloors } from './split.ts';
import { nextId, readModelStats, requireModel, writeInference, writeModelStats } from './store.ts';

/**
 * The validators' share goes to the staking module as one recipient, which pays it at the end of
 * the block with the block's fees: to the signers of its last commit by power, each validator's
 * commission first, then its delegators pro rata (docs/staking.md "Rewards").
 */
export const VALIDATORS = [{ rewardAddress: STAKING_ADDRESS, power: 1n }];

export interface RecordInference {
  readonly modelId: bigint;
  readonly output: Uint8Array;
  readonly spans: readonly SpanProof[];
}

export function recordInference(call: Call, args: RecordInference): void {
  const { ctx, state, params } = call;
  const { output, spans } = args;
  chargeProofWork(ctx, params, output, spans);
  const model = requireModel(state, args.modelId);
  requireRecorder(call, args.modelId, model);
  const fee = inferenceFee(model.feePerInference, model.feePerKiloByte, output.length);
  if (ctx.value !== fee) {
    throw new AttributionError(
      'WRONG_FEE',
      `model ${args.modelId} charges ${fee} for ${output.length} output bytes, but ${ctx.value} was sent`,
    );
  }
  const models = lineage(state, args.modelId, model);
  const datanets = new Set(models.flatMap((m) => m.model.datanetIds));
  const proven = verifySpans(state, params, output, spans, datanets, call.proofs);
  // Each span's attributed bytes are what it holds in the canonical attribution.
  const segments = canonicalSegments(proven);
  const owned = ownedBytes(proven, segments);
  const verified = proven.map((s, i) => ({ ...s, attributedBytes: owned[i]! }));

  const byContribution = attributedBytes(verified);
  const { payouts, contributorsPool } = planPayouts({
    fee,
    split: withFloors(model.split, params),
    lineage: lineageOwners(models),
    validators: VALIDATORS,
    treasury: ctx.block.params.treasury,
  });
  pay(call, payouts, new Map());

  const id = nextId(state, Counter.inference);
  const outputHash = sha256(output);
  const attributed = verified.reduce((sum, s) => sum + s.attributedBytes, 0);
  const usedDatanets = [...new Set(byContribution.map((c) => c.datanetId))].sort((a, b) => (a < b ? -1 : 1));
  const lineageIds = models.map((m) => m.modelId);
  const inference = {
    modelId: args.modelId,
    caller: ctx.from,
    height: ctx.block.height,
    time: ctx.block.time,
    fee,
    outputHash,
    outputBytes: output.length,
    attributedBytes: attributed,
    lineage: lineageIds,
    datanetIds: usedDatanets,
    spans: verified.map(({ contributionId, outputStart, length, attributedBytes }) => ({
      contributionId,
      outputStart,
      length,
      attributedBytes,
    })),
    payouts,
  };
  writeInference(state, id, inference);
  const stats = readModelStats(state, args.modelId);
  writeModelStats(state, args.modelId, {
    inferences: stats.inferences + 1n,
    feesCharged: stats.feesCharged + fee,
  });

  emit(ctx, 'InferenceAttributed', {
    inferenceId: id,
    modelId: args.modelId,
    caller: ctx.from,
    fee,
    outputHash: bytesToHex(outputHash),
    outputBytes: output.length,
    attributedBytes: attributed,
    lineage: lineageIds,
    datanetIds: usedDatanets,
  });
  emitPayouts(ctx, id, payouts);
  openEscrow(call, inference, { inferenceId: id, pool: contributorsPool, segments });
}

interface Attributed {
  readonly id: bigint;
  readonly contributor: VerifiedSpan['contributor'];
  readonly datanetId: bigint;
  readonly bytes: number;
}

/** Attributed bytes per contribution, in ascending id order, leaving out contributions with none. */
function attributedBytes(spans: readonly VerifiedSpan[]): Attributed[] {
  const totals = new Map<bigint, Attributed>();
  for (const s of spans) {
    if (s.attributedBytes === 0) continue;
    const seen = totals.get(s.contributionId);
    totals.set(s.contributionId, {
      id: s.contributionId,
      contributor: s.contributor,
      datanetId: s.datanetId,
      bytes: (seen?.bytes ?? 0) + s.attributedBytes,
    });
  }
  return [...totals.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

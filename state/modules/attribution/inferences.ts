// Inference records: an inference of a model, its output, and span proofs attributing output bytes
// to registered contributions. The fee sent with the record is split and paid out at once.
import type { Address } from '../../../core/address.ts';
import { bytesToHex } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/hash.ts';
import { addBlockIncome, STAKING_ADDRESS } from '../staking/index.ts';
import type { Call } from './call.ts';
import { AttributionError } from './errors.ts';
import { emit } from './events.ts';
import { GAS } from './gas.ts';
import { Counter, attributionKeys as keys } from './keys.ts';
import { payOutOfModule } from './ledger.ts';
import { lineage, lineageOwners } from './models.ts';
import { type Payout, Role } from './records.ts';
import { proofBytes, type SpanProof, type VerifiedSpan, verifySpans } from './spans.ts';
import { inferenceFee, planPayouts } from './split.ts';
import {
  addEarnings,
  nextId,
  readModelStats,
  requireModel,
  writeInference,
  writeModelStats,
} from './store.ts';

/**
 * The validators' share goes to the staking module as one recipient, which pays it at the end of
 * the block with the block's fees: to the signers of its last commit by power, each validator's
 * commission first, then its delegators pro rata (docs/staking.md "Rewards").
 */
const VALIDATORS = [{ rewardAddress: STAKING_ADDRESS, power: 1n }];

export interface RecordInference {
  readonly modelId: bigint;
  readonly output: Uint8Array;
  readonly spans: readonly SpanProof[];
}

export function recordInference(call: Call, args: RecordInference): void {
  const { ctx, state, params } = call;
  const { output, spans } = args;
  // Charged before any hashing, so a record too large for its gas limit fails before the work.
  ctx.useGas(
    GAS.span * BigInt(spans.length) +
      GAS.proofByte * BigInt(proofBytes(spans)) +
      GAS.outputByte * BigInt(output.length),
  );
  if (output.length > params.maxOutputBytes) {
    throw new AttributionError(
      'OUTPUT_TOO_LARGE',
      `output is ${output.length} bytes, limit ${params.maxOutputBytes}`,
    );
  }
  if (spans.length > params.maxSpansPerRecord) {
    throw new AttributionError('TOO_MANY_SPANS', `${spans.length} spans, limit ${params.maxSpansPerRecord}`);
  }
  const model = requireModel(state, args.modelId);
  const fee = inferenceFee(model.feePerInference, model.feePerKiloByte, output.length);
  if (ctx.value !== fee) {
    throw new AttributionError(
      'WRONG_FEE',
      `model ${args.modelId} charges ${fee} for ${output.length} output bytes, but ${ctx.value} was sent`,
    );
  }
  const models = lineage(state, args.modelId, model);
  const datanets = new Set(models.flatMap((m) => m.model.datanetIds));
  const verified = verifySpans(state, params, output, spans, datanets, call.proofs);

  const byContribution = attributedBytes(verified);
  const payouts = planPayouts({
    fee,
    split: model.split,
    lineage: lineageOwners(models),
    contributions: byContribution,
    validators: VALIDATORS,
    treasury: ctx.block.params.treasury,
  });
  pay(call, payouts, byContribution);

  const id = nextId(state, Counter.inference);
  const outputHash = sha256(output);
  const attributed = verified.reduce((sum, s) => sum + s.attributedBytes, 0);
  const usedDatanets = [...new Set(byContribution.map((c) => c.datanetId))].sort((a, b) => (a < b ? -1 : 1));
  const lineageIds = models.map((m) => m.modelId);
  writeInference(state, id, {
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
  });
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
  for (const p of payouts) {
    emit(ctx, 'RewardPaid', {
      inferenceId: id,
      recipient: p.recipient,
      role: p.role,
      refId: p.refId,
      amount: p.amount,
    });
  }
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

/** Pays the fee the module received out to the recipients, and adds the contributors' earnings. */
function pay(call: Call, payouts: readonly Payout[], contributions: readonly Attributed[]): void {
  const { ctx, state } = call;
  // Charged per payout (one account read and write each) and for the module account, even where
  // one account receives several payouts and is written once.
  ctx.useGas((GAS.read + GAS.write) * BigInt(payouts.length + 1));
  let total = 0n;
  const credits = new Map<Address, bigint>();
  for (const p of payouts) {
    total += p.amount;
    credits.set(p.recipient, (credits.get(p.recipient) ?? 0n) + p.amount);
  }
  payOutOfModule(ctx.state, total, credits);
  const toValidators = payouts.reduce((sum, p) => (p.role === Role.validator ? sum + p.amount : sum), 0n);
  if (toValidators > 0n) {
    ctx.useGas(GAS.read + GAS.write);
    addBlockIncome(ctx.state, toValidators);
  }

  // One update per contribution, contributor and Datanet, in ascending key order.
  const datanetOf = new Map(contributions.map((c) => [c.id, c.datanetId]));
  const byContributor = new Map<Address, bigint>();
  const byDatanet = new Map<bigint, bigint>();
  for (const p of payouts) {
    if (p.role !== Role.contributor) continue;
    addEarnings(state, keys.contributionEarnings(p.refId), p.amount);
    const datanetId = datanetOf.get(p.refId)!;
    byContributor.set(p.recipient, (byContributor.get(p.recipient) ?? 0n) + p.amount);
    byDatanet.set(datanetId, (byDatanet.get(datanetId) ?? 0n) + p.amount);
  }
  for (const address of [...byContributor.keys()].sort()) {
    addEarnings(state, keys.contributorEarnings(address), byContributor.get(address)!);
  }
  for (const id of [...byDatanet.keys()].sort((a, b) => (a < b ? -1 : 1))) {
    addEarnings(state, keys.datanetEarnings(id), byDatanet.get(id)!);
  }
}

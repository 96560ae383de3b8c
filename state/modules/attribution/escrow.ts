// Escrowed contributors' pools (docs/attribution.md, "Escrow and challenges"). A record's
// contributors' share waits in the module account for challengeWindowBlocks. Within the window
// anyone may prove more spans; if they change the canonical attribution the record is
// re-attributed and the challenger is paid challengeRewardPerByte per byte moved out of the
// recorder's attribution bond (capped by the bond). After the window the pool is paid by coverage.
//
// Settlement is lazy: nothing runs per block. settleInference (anyone, after the window) pays a
// pool out; a record with challengeWindowBlocks = 0 settles within its own transaction.
import type { Address } from '../../../core/address.ts';
import { bytesToHex, equalBytes } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/hash.ts';
import type { Call } from './call.ts';
import { bytesByContribution, bytesMoved, canonicalSegments, type Segment } from './canonical.ts';
import { requireNoValue } from './checks.ts';
import { AttributionError } from './errors.ts';
import {
  type Escrow,
  readAttributionBond,
  readEscrow,
  writeAttributionBond,
  writeEscrow,
} from './escrowRecords.ts';
import { emit, emitPayouts } from './events.ts';
import { GAS } from './gas.ts';
import { attributionKeys as keys } from './keys.ts';
import { payFromModule } from './ledger.ts';
import { pay } from './payout.ts';
import { type Inference, type Payout, Role } from './records.ts';
import { chargeProofWork, type SpanProof, verifySpans } from './spans.ts';
import { planPool } from './split.ts';
import { addEarnings, readInference, requireContribution, requireDatanet, requireModel } from './store.ts';

export interface OpenEscrow {
  readonly inferenceId: bigint;
  readonly pool: bigint;
  /** The canonical attribution of the record's spans. */
  readonly segments: readonly Segment[];
}

/** Holds a new record's contributors' pool (already in the module account) under its attribution. */
export function openEscrow(call: Call, inference: Inference, open: OpenEscrow): Escrow {
  const { ctx, params } = call;
  const escrow: Escrow = {
    recorder: ctx.from,
    pool: open.pool,
    windowEnd: ctx.block.height + params.challengeWindowBlocks,
    segments: open.segments,
    challenges: 0,
    slashed: 0n,
    settled: false,
    payouts: [],
  };
  if (params.challengeWindowBlocks === 0) return settle(call, open.inferenceId, inference, escrow);
  writeEscrow(call.state, open.inferenceId, escrow);
  return escrow;
}

export interface ChallengeInference {
  readonly inferenceId: bigint;
  readonly output: Uint8Array;
  readonly spans: readonly SpanProof[];
}

export function challengeInference(call: Call, args: ChallengeInference): void {
  const { ctx, state, params } = call;
  requireNoValue(ctx, 'challengeInference');
  const { output, spans } = args;
  chargeProofWork(ctx, params, output, spans);
  const id = args.inferenceId;
  const { inference, escrow } = openRecord(call, id, 'challengeInference');
  if (ctx.block.height > escrow.windowEnd) {
    throw new AttributionError(
      'CHALLENGE_WINDOW_CLOSED',
      `challengeInference: the challenge window of inference ${id} closed at height ${escrow.windowEnd}`,
    );
  }
  if (output.length !== inference.outputBytes || !equalBytes(sha256(output), inference.outputHash)) {
    throw new AttributionError(
      'OUTPUT_HASH_MISMATCH',
      `challengeInference: the output does not hash to inference ${id}'s output hash ${bytesToHex(inference.outputHash)}`,
    );
  }
  // The stored attribution is re-merged with the new spans: charged per stored segment.
  ctx.useGas(GAS.span * BigInt(escrow.segments.length));
  const verified = verifySpans(state, params, output, spans, lineageDatanets(call, inference), call.proofs);
  const segments = canonicalSegments([...escrow.segments, ...verified]);
  const moved = bytesMoved(escrow.segments, segments);
  if (moved === 0) {
    throw new AttributionError(
      'ATTRIBUTION_UNCHANGED',
      `challengeInference: the spans do not change inference ${id}'s canonical attribution (no byte moves to an earlier contribution or from nobody to someone)`,
    );
  }

  const bond = readAttributionBond(state, inference.modelId, escrow.recorder);
  const owed = params.challengeRewardPerByte * BigInt(moved);
  const reward = owed < bond.amount ? owed : bond.amount;
  writeAttributionBond(state, inference.modelId, escrow.recorder, { ...bond, amount: bond.amount - reward });
  if (reward > 0n) {
    payFromModule(call, ctx.from, reward);
    ctx.useGas(GAS.read + GAS.write);
    addEarnings(state, keys.recipientEarnings(ctx.from, Role.challenger), reward);
  }
  writeEscrow(state, id, {
    ...escrow,
    segments,
    challenges: escrow.challenges + 1,
    slashed: escrow.slashed + reward,
  });
  emit(ctx, 'InferenceChallenged', {
    inferenceId: id,
    challenger: ctx.from,
    recorder: escrow.recorder,
    bytesMoved: moved,
    reward,
    attributedBytes: attributed(segments),
  });
}

export function settleInference(call: Call, id: bigint): void {
  requireNoValue(call.ctx, 'settleInference');
  const { inference, escrow } = openRecord(call, id, 'settleInference');
  if (call.ctx.block.height <= escrow.windowEnd) {
    throw new AttributionError(
      'CHALLENGE_WINDOW_OPEN',
      `settleInference: inference ${id} is open to challenges until height ${escrow.windowEnd}; settle from height ${escrow.windowEnd + 1}`,
    );
  }
  settle(call, id, inference, escrow);
}

/** The inference and its escrow, refusing unknown and settled ones. */
function openRecord(call: Call, id: bigint, fn: string): { inference: Inference; escrow: Escrow } {
  const inference = readInference(call.state, id);
  if (!inference) throw new AttributionError('UNKNOWN_INFERENCE', `${fn}: unknown inference ${id}`);
  const escrow = readEscrow(call.state, id);
  // Every span record has an escrow; an inference without one is an attested record.
  if (!escrow)
    throw new AttributionError(
      'UNKNOWN_INFERENCE',
      `${fn}: inference ${id} is an attested record (attested/), settled by settleAttestedInference`,
    );
  if (escrow.settled) {
    throw new AttributionError(
      'INFERENCE_SETTLED',
      `${fn}: inference ${id} is settled, its attribution is final`,
    );
  }
  return { inference, escrow };
}

/** Datanets of the record's model lineage: the only ones its spans may cite. */
function lineageDatanets(call: Call, inference: Inference): Set<bigint> {
  return new Set(inference.lineage.flatMap((modelId) => requireModel(call.state, modelId).datanetIds));
}

function attributed(segments: readonly Segment[]): number {
  return segments.reduce((sum, s) => sum + s.length, 0);
}

/** Pays the pool by the canonical attribution and coverage, and marks the escrow settled. */
function settle(call: Call, id: bigint, inference: Inference, escrow: Escrow): Escrow {
  const { ctx, state, params } = call;
  const datanetOf = new Map<bigint, bigint>();
  const contributions = bytesByContribution(escrow.segments).map(({ id: cid, bytes }) => {
    const c = requireContribution(state, cid);
    datanetOf.set(cid, c.datanetId);
    return { id: cid, contributor: c.contributor, bytes };
  });
  const payouts = planPool({
    pool: escrow.pool,
    outputBytes: inference.outputBytes,
    contributions,
    uncovered: uncoveredRecipients(call, inference, ctx.block.params.treasury, params.uncoveredToDatanets),
  });
  pay(call, payouts, datanetOf);
  const settled: Escrow = { ...escrow, settled: true, payouts };
  writeEscrow(state, id, settled);
  let toContributors = 0n;
  for (const p of payouts) if (p.role === Role.contributor) toContributors += p.amount;
  emitPayouts(ctx, id, payouts);
  emit(ctx, 'InferenceSettled', {
    inferenceId: id,
    attributedBytes: attributed(escrow.segments),
    toContributors,
    uncovered: escrow.pool - toContributors,
  });
  return settled;
}

/** Who receives a pool (or its part) attributed to nobody: the treasury, or the lineage's Datanets' owners. */
export function uncoveredRecipients(
  call: Call,
  inference: Inference,
  treasury: Address,
  toDatanets: boolean,
): Pick<Payout, 'role' | 'refId' | 'recipient'>[] {
  const datanets = toDatanets ? [...lineageDatanets(call, inference)].sort((a, b) => (a < b ? -1 : 1)) : [];
  if (datanets.length === 0) return [{ role: Role.treasury, refId: 0n, recipient: treasury }];
  return datanets.map((d) => ({
    role: Role.datanetOwner,
    refId: d,
    recipient: requireDatanet(call.state, d).owner,
  }));
}

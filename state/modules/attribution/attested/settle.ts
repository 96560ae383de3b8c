// settleAttestedInference: after an attested record's window, by anyone (docs/attribution.md,
// "Attested scores"). Settlement is lazy, like span records' escrows: nothing runs per block and no
// block loops over open records; a record waits, escrowed, until someone settles it.
//
// Below attestationQuorumBps of the snapshot's power revealed, both escrowed shares go back to the
// recorder. Otherwise plan.ts decides the payouts: contributors by consensus score, revealers by
// power × agreement. A revealer's share is paid through the staking module's reward accounting
// (its commission, then its delegators), as the validators' share of span records is.
import { allocateReward, STAKING_ADDRESS } from '../../staking/index.ts';
import type { Call } from '../call.ts';
import { requireNoValue } from '../checks.ts';
import { AttributionError } from '../errors.ts';
import { uncoveredRecipients } from '../escrow.ts';
import { emit, emitPayouts } from '../events.ts';
import { GAS } from '../gas.ts';
import { attributionKeys as keys } from '../keys.ts';
import { payFromModule } from '../ledger.ts';
import { pay } from '../payout.ts';
import { type Payout, Role } from '../records.ts';
import { addEarnings, readInference, requireContribution } from '../store.ts';
import { openAttested } from './checks.ts';
import { countMisses } from './misses.ts';
import { planSettlement, type Reveal } from './plan.ts';
import { type AttestedRecord, readAttestation, writeAttested } from './records.ts';

const FN = 'settleAttestedInference';
const BPS = 10_000n;

export function settleAttestedInference(call: Call, id: bigint): void {
  const { ctx, state, params } = call;
  requireNoValue(ctx, FN);
  const r = openAttested(call, id, FN);
  if (ctx.block.height <= r.revealEnd)
    throw new AttributionError(
      'ATTESTATION_WINDOW_OPEN',
      `${FN}: inference ${id} is open to attestations until height ${r.revealEnd}; settle from height ${r.revealEnd + 1}`,
    );
  const reveals: Reveal[] = [];
  const revealedAt = new Set<number>();
  let totalPower = 0n;
  let revealedPower = 0n;
  r.validators.forEach((v, index) => {
    totalPower += v.power;
    const a = readAttestation(state, id, index);
    if (!a?.revealed) return;
    reveals.push({ operator: v.operator, power: v.power, scores: a.scores });
    revealedAt.add(index);
    revealedPower += v.power;
  });
  ctx.useGas(GAS.score * BigInt(reveals.length * r.candidates.length));
  const quorum =
    revealedPower > 0n && revealedPower * BPS >= BigInt(params.attestationQuorumBps) * totalPower;

  let settled: AttestedRecord = { ...r, settled: true, revealedPower };
  let toContributors = 0n;
  let toAttesters = 0n;
  if (!quorum) {
    const refund = r.pool + r.validatorsPool;
    if (refund > 0n) payFromModule(call, r.recorder, refund);
  } else {
    const { payouts, consensus } = payOut(call, id, r, reveals);
    for (const p of payouts) {
      if (p.role === Role.contributor) toContributors += p.amount;
      if (p.role === Role.validator) toAttesters += p.amount;
    }
    emitPayouts(ctx, id, payouts);
    settled = { ...settled, quorumReached: true, consensusScores: consensus, payouts };
  }
  countMisses(call, r, revealedAt);
  writeAttested(state, id, settled);
  emit(ctx, 'AttestedInferenceSettled', {
    inferenceId: id,
    quorum,
    consensusScores: [...settled.consensusScores],
    toContributors,
    toAttesters,
  });
}

/** Plans and pays a record with a quorum; returns the payouts and the consensus scores. */
function payOut(
  call: Call,
  id: bigint,
  r: AttestedRecord,
  reveals: readonly Reveal[],
): { payouts: Payout[]; consensus: number[] } {
  const { ctx, state } = call;
  const datanetOf = new Map<bigint, bigint>();
  const candidates = r.candidates.map((cid) => {
    const c = requireContribution(state, cid);
    datanetOf.set(cid, c.datanetId);
    return { id: cid, contributor: c.contributor };
  });
  const inference = readInference(state, id)!;
  const plan = planSettlement({
    pool: r.pool,
    validatorsPool: r.validatorsPool,
    candidates,
    reveals,
    uncovered: uncoveredRecipients(
      call,
      inference,
      ctx.block.params.treasury,
      call.params.uncoveredToDatanets,
    ),
    treasury: ctx.block.params.treasury,
  });
  const toStaking = plan.attesters.filter((p) => p.role === Role.validator);
  // Contributors, the uncovered recipients and a treasury share are paid as span records pay them.
  pay(call, [...plan.contributors, ...plan.attesters.filter((p) => p.role !== Role.validator)], datanetOf);
  const staked = toStaking.reduce((sum, p) => sum + p.amount, 0n);
  if (staked > 0n) payFromModule(call, STAKING_ADDRESS, staked);
  for (const p of toStaking) {
    // The validator's record and the staking pool, and the operator's earnings total.
    ctx.useGas(2n * (GAS.read + GAS.write));
    allocateReward(ctx.state, p.recipient, p.amount);
    addEarnings(state, keys.recipientEarnings(p.recipient, Role.validator), p.amount);
  }
  return { payouts: [...plan.contributors, ...plan.attesters], consensus: plan.consensus };
}

// Missed attestations (docs/attribution.md, "Attested scores"): at each settlement, every validator
// of the record's snapshot that did not reveal adds one to its run of misses, and one that revealed
// starts afresh. A run reaching maxMissedAttestations (when not 0) is handled as downtime is by the
// staking module at the end of a block: slashFractionDowntimeBps of the validator's power at the
// record's height is slashed, it is jailed for downtimeJailBlocks, and its run starts afresh. Runs
// follow settlement order, which is record order for records settled when their windows end.
import { jailValidator, readStakingParams, readValidator, slashValidator } from '../../staking/index.ts';
import type { Call } from '../call.ts';
import { emit } from '../events.ts';
import { GAS } from '../gas.ts';
import { type AttestedRecord, type Attester, readMisses, writeMisses } from './records.ts';

/** Gas of a downtime punishment: the validator, the pool, the slashed entries and the supply, read and written. */
const PUNISH_GAS = 4n * (GAS.read + GAS.write);

export function countMisses(call: Call, r: AttestedRecord, revealed: ReadonlySet<number>): void {
  const { ctx, state, params } = call;
  r.validators.forEach((v, i) => {
    const before = readMisses(state, v.operator);
    if (revealed.has(i)) {
      if (before !== 0) writeMisses(state, v.operator, 0);
      return;
    }
    const missed = before + 1;
    if (params.maxMissedAttestations === 0 || missed < params.maxMissedAttestations) {
      writeMisses(state, v.operator, missed);
      return;
    }
    writeMisses(state, v.operator, 0);
    const slashed = punish(call, v, r.height);
    emit(ctx, 'AttestationsMissed', { validator: v.operator, missed, slashed });
  });
}

/** Slashes and jails as for downtime; a validator already jailed (out of the set) is left as it is. */
function punish(call: Call, v: Attester, infractionHeight: number): bigint {
  const { ctx } = call;
  ctx.useGas(PUNISH_GAS);
  const validator = readValidator(ctx.state, v.operator);
  if (!validator || validator.jailed) return 0n;
  const staking = readStakingParams(ctx.state);
  const { total } = slashValidator(ctx.state, {
    operator: v.operator,
    infractionHeight,
    fractionBps: staking.slashFractionDowntimeBps,
    height: ctx.block.height,
    infractionPower: v.power,
  });
  jailValidator(ctx.state, v.operator, ctx.block.height + staking.downtimeJailBlocks);
  return total;
}

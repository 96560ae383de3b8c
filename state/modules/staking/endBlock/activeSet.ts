// The next consensus set (docs/staking.md "Active set"): the top maxValidators candidates (not
// jailed or tombstoned, self-bond at least minSelfBond, power = tokens / powerReduction at least 1,
// by tokens then operator address: validatorCandidates), reached from the current set within the
// per-block power-change cap (setUpdate.ts). The state's set is the one nextValidatorsHash commits
// to, so a change here takes effect at the next height on every node.
import type { StateOverlay } from '../../../stateDb.ts';
import { readValidators, writeValidators } from '../../../validatorSet.ts';
import { applyActiveSet, type StakingParams, validatorCandidates } from '../index.ts';
import { nextValidatorSet } from './setUpdate.ts';
import { saveSigningSet } from './signingSet.ts';

export function updateValidatorSet(state: StateOverlay, params: StakingParams): void {
  const current = readValidators(state);
  saveSigningSet(state, current);
  const targets = validatorCandidates(state)
    .slice(0, params.maxValidators)
    .map((c) => ({ operator: c.operator, pubKey: c.consensusKey, power: c.power }));
  const next = nextValidatorSet(current, targets, params.maxPowerChangeBps);
  if (!next) return;
  writeValidators(
    state,
    applyActiveSet(
      state,
      next.map((v) => ({ operator: v.rewardAddress, power: v.power })),
    ),
  );
}

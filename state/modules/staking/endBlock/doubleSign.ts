// Double signing (docs/staking.md "Slashing"): the duplicate-vote evidence a block carries was
// checked against the set of its height (state/evidence.ts), so the offender is a validator that
// signed then, even if it has left since. It is slashed slashFractionDoubleSignBps of its stake at
// the infraction height (its power then × powerReduction) and tombstoned; a tombstoned validator is
// never punished again, however much more evidence of it arrives.
import type { CheckedEvidence } from '../../../evidence.ts';
import { evidenceHeight } from '../../../evidence.ts';
import type { StateOverlay } from '../../../stateDb.ts';
import {
  operatorOfConsensusAddress,
  type StakingParams,
  slashValidator,
  tombstoneValidator,
} from '../index.ts';
import { requireValidator } from '../store.ts';
import { resetSigningWindow } from './signingWindow.ts';

export function slashDoubleSigners(
  state: StateOverlay,
  params: StakingParams,
  height: number,
  evidence: readonly CheckedEvidence[],
): void {
  for (const { evidence: ev, power } of evidence) {
    // Every validator of every set is a staking validator (genesis ones too), bound for ever.
    const operator = operatorOfConsensusAddress(state, ev.voteA.validator)!;
    if (requireValidator(state, operator).tombstoned) continue;
    slashValidator(state, {
      operator,
      infractionHeight: evidenceHeight(ev),
      fractionBps: params.slashFractionDoubleSignBps,
      height,
      infractionPower: power,
    });
    tombstoneValidator(state, operator);
    resetSigningWindow(state, operator, params.signedBlocksWindow);
  }
}

// Downtime (docs/staking.md "Downtime"): every validator of the set that signed the previous block
// records whether its signature is in lastCommit; one that signed too few blocks of its window is
// slashed slashFractionDowntimeBps of its stake, jailed for downtimeJailBlocks, and its window
// starts afresh when it signs again.
import type { Address } from '../../../../core/address.ts';
import type { Validator } from '../../../../core/validator.ts';
import type { StateOverlay } from '../../../stateDb.ts';
import { jailValidator, type StakingParams, slashValidator } from '../index.ts';
import { requireValidator } from '../store.ts';
import { isDowntime, recordSignature, resetSigningWindow } from './signingWindow.ts';

export function trackDowntime(
  state: StateOverlay,
  params: StakingParams,
  commitHeight: number,
  height: number,
  signingSet: readonly Validator[],
  signed: ReadonlySet<Address>,
): void {
  const window = params.signedBlocksWindow;
  for (const member of signingSet) {
    const operator = member.rewardAddress;
    const v = requireValidator(state, operator);
    // A jailed validator can stay in the signing set for a block or more (sets change a block
    // later, and the power-change cap may hold it): its window starts afresh once it is back.
    if (v.jailed) continue;
    const { validator, startHeight } = recordSignature(
      state,
      v,
      commitHeight,
      signed.has(member.address),
      window,
    );
    if (!isDowntime(startHeight, validator.missedBlocks, commitHeight, window, params.minSignedPerWindowBps))
      continue;
    slashValidator(state, {
      operator,
      infractionHeight: commitHeight,
      fractionBps: params.slashFractionDowntimeBps,
      height,
      infractionPower: member.power,
    });
    jailValidator(state, operator, height + params.downtimeJailBlocks);
    resetSigningWindow(state, operator, window);
  }
}

// The staking module as the explorer reads it: through the open_ staking methods (JSON, no ABI
// decoding here). Pure, so the tests import it directly.

/** The staking module's reserved address (state/modules/staking/abi.ts). */
export const STAKING_ADDRESS = '0x00000000000000000000000000000000000057a4';

/** Each validator status (open_getValidator's `status`) and the badge kind it is shown with. */
export const VALIDATOR_STATUS_KIND = { active: 'ok', inactive: 'muted', jailed: 'warn', tombstoned: 'bad' };

/** The staking calls a view appends to its batch; stakingOf reads their answers. */
export const STAKING_CALLS = [['open_getValidators'], ['open_stakingPool']];

/** The answers to STAKING_CALLS; a refused call (a node without staking) reads as null. */
export function stakingOf([validators, pool]) {
  return {
    validators: validators instanceof Error ? null : validators,
    pool: pool instanceof Error ? null : pool,
  };
}

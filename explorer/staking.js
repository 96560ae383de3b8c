// The staking module as the explorer reads it: through the open_ staking methods (JSON, no ABI
// decoding here). Pure, so the tests import it directly.

/** The staking module's reserved address (state/modules/staking/abi.ts). */
export const STAKING_ADDRESS = '0x00000000000000000000000000000000000057a4';

/** Each validator status (open_getValidator's `status`) and the badge kind it is shown with. */
export const VALIDATOR_STATUS_KIND = { active: 'ok', inactive: 'muted', jailed: 'warn', tombstoned: 'bad' };

/** The staking calls a view appends to its batch; stakingOf reads their answers. */
export const STAKING_CALLS = [['open_getValidators'], ['open_stakingPool'], ['open_stakingParams']];

/** The answers to STAKING_CALLS; a refused call (a node without staking) reads as null. */
export function stakingOf([validators, pool, params]) {
  const ok = (answer) => (answer instanceof Error ? null : answer);
  return { validators: ok(validators), pool: ok(pool), params: ok(params) };
}

/**
 * A validator's uptime over the signing window, in basis points: the share of the window's blocks
 * it signed (missedBlocks counts the misses in the window, as the downtime check does). Integers
 * only, the answers are hex quantities; null without the parameters.
 */
export function uptimeBps(validator, params) {
  if (!params) return null;
  const window = BigInt(params.signedBlocksWindow);
  if (window === 0n) return null;
  const missed = BigInt(validator.missedBlocks);
  return Number(((window - (missed < window ? missed : window)) * 10_000n) / window);
}

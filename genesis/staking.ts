// The genesis file's `staking` section (docs/genesis.md): the staking parameters and the rewards
// pool. The parameters' schema is derived from the module's own declarations (stakingParams in
// state/modules/staking/params.ts), so genesis validation admits exactly the values, within exactly
// the bounds, that the module reads.
import { z } from 'zod';
import { stakingParams } from '../state/modules/staking/params.ts';
import { decimal, paramSetSchema } from './paramSet.ts';

export const stakingParamsSchema = paramSetSchema(stakingParams);

export const stakingSchema = z.strictObject({
  params: stakingParamsSchema,
  /** Paid out as block rewards (params.blockReward per block); held by the module, part of the supply. */
  rewardsPool: decimal('rewardsPool'),
});

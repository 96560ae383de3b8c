// open_ methods for the staking module: validators, delegators, the parameters and the pool as
// plain JSON, for clients that do not want to ABI-decode eth_call results. Answers come from the
// module's own view functions on the latest state, so both routes always agree. Quantities are hex
// as elsewhere in the API; a validator's status carries its name.
import { z } from 'zod';
import type { Address } from '../core/address.ts';
import type { Chain } from '../state/chain.ts';
import { readValidator, ValidatorStatus } from '../state/modules/staking/index.ts';
import { views } from '../state/modules/staking/views.ts';
import type { StateReader } from '../state/stateDb.ts';
import type { JsonValue } from './jsonrpc.ts';
import { address } from './params.ts';
import { namesOf, recordToJson } from './records.ts';
import { method } from './registry.ts';

export const STAKING_ENUMS = { status: namesOf(ValidatorStatus) };

const toJson = (value: unknown): JsonValue => recordToJson(value, STAKING_ENUMS);

export function validatorStatusName(status: number): string {
  return STAKING_ENUMS.status[status] ?? String(status);
}

/** The validator `operator` runs (the module's view of it), or undefined if there is none. */
export function findValidator(state: StateReader, operator: Address) {
  return readValidator(state, operator) ? views.validator(state, [operator]) : undefined;
}

export function stakingMethods(chain: Chain) {
  const state = () => chain.state;
  return {
    open_stakingParams: method(z.tuple([]), () => toJson(views.params(state(), []))),
    open_stakingPool: method(z.tuple([]), () => toJson(views.pool(state(), []))),
    /** A validator by its operator address; null if there is none. */
    open_getValidator: method(z.tuple([address]), ([operator]) =>
      toJson(findValidator(state(), operator) ?? null),
    ),
    /** Every validator that is not removed: the active set first, then by stake. */
    open_getValidators: method(z.tuple([]), () => toJson(views.validators(state(), []))),
    /** A delegator's delegations (each with its pending rewards), unbonding entries and redelegations. */
    open_getDelegator: method(z.tuple([address]), ([delegator]) => {
      const delegations = views.delegations(state(), [delegator]);
      const [rewards, commission] = views.paid(state(), [delegator]);
      return toJson({
        address: delegator,
        pendingRewards: delegations.reduce((sum, d) => sum + d.pendingRewards, 0n),
        paid: { rewards, commission },
        delegations,
        unbondings: views.unbondings(state(), [delegator]),
        redelegations: views.redelegations(state(), [delegator]),
      });
    }),
  };
}

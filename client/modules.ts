// The native modules as viem contracts: every ABI function as a typed `read`, `write`, `simulate`
// and `estimateGas` action, derived from the same ABI the node decodes with, so they cannot drift.
// Pass a public client, a wallet client, or both as `{ public, wallet }`, as to viem's getContract.
import { type GetContractParameters, type GetContractReturnType, getContract } from 'viem';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { GOV_ADDRESS, govAbi } from '../state/modules/gov/abi.ts';
import { STAKING_ADDRESS, stakingAbi } from '../state/modules/staking/abi.ts';

type ContractClient = GetContractParameters['client'];

/** The attribution module (Datanets, contributions, models, inference records and their earnings). */
export function attributionContract<const C extends ContractClient>(
  client: C,
): GetContractReturnType<typeof attributionAbi, C> {
  return getContract({ address: ATTRIBUTION_ADDRESS, abi: attributionAbi, client }) as never;
}

/** The staking module (validators, delegations, rewards). */
export function stakingContract<const C extends ContractClient>(
  client: C,
): GetContractReturnType<typeof stakingAbi, C> {
  return getContract({ address: STAKING_ADDRESS, abi: stakingAbi, client }) as never;
}

/** The governance module (proposals, deposits, votes and tallies). */
export function govContract<const C extends ContractClient>(
  client: C,
): GetContractReturnType<typeof govAbi, C> {
  return getContract({ address: GOV_ADDRESS, abi: govAbi, client }) as never;
}

export { ATTRIBUTION_ADDRESS, attributionAbi, GOV_ADDRESS, govAbi, STAKING_ADDRESS, stakingAbi };

// Rules between parameters of different modules, in one place: genesis validation checks them on
// the file's values and governance after every proposal's changes (modules/gov/registry.ts), so a
// chain can neither start nor be voted into a state that breaks one. Rules within one module's set
// are declared with the set (paramSet's rules).
import type { ChainParams } from './params.ts';

/** The first rule the values break, as the reason to refuse them; undefined if they hold. */
export function crossParamsProblem(
  chain: Pick<ChainParams, 'evidenceMaxAgeBlocks'>,
  staking: { readonly unbondingBlocks: number },
): string | undefined {
  // Evidence of an offence committed just before an unbonding starts must still be includable
  // while the unbonding tokens are slashable.
  if (staking.unbondingBlocks < chain.evidenceMaxAgeBlocks)
    return `staking.unbondingBlocks (${staking.unbondingBlocks}) must be at least chain.evidenceMaxAgeBlocks (${chain.evidenceMaxAgeBlocks}): an offender could escape slashing by unbonding before its evidence expires`;
  return undefined;
}

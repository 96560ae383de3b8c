// Editing a genesis being assembled (`openchain genesis add-account / add-validator / collect`):
// each edit returns a new genesis that passed every check of a draft (genesisDraftSchema), or
// throws with the reason; the caller writes the file only then, so a refused edit changes nothing.
import type { Address } from '../core/address.ts';
import { OpenchainError } from '../core/errors.ts';
import { genesisToJson, parseGenesis } from './load.ts';
import type { Genesis } from './schema.ts';
import type { Statement } from './statement.ts';
import type { VestingJson } from './vesting.ts';

function recheck(g: Genesis, source: string): Genesis {
  return parseGenesis(genesisToJson(g), source, { draft: true });
}

/** Adds an allocation, with its unlock schedule as the file spells it (checked with the rest). */
export function withAccount(
  g: Genesis,
  address: Address,
  balance: bigint,
  source: string,
  vesting?: VestingJson,
): Genesis {
  if (g.alloc.some((a) => a.address === address))
    throw new OpenchainError('ACCOUNT_EXISTS', `${address} already has an allocation in ${source}`);
  const json = genesisToJson(g) as { alloc: unknown[] };
  const entry = { address, balance: balance.toString(), ...(vesting && { vesting }) };
  return parseGenesis({ ...json, alloc: [...json.alloc, entry] }, source, { draft: true });
}

/**
 * Adds the validator a verified statement asks for (genesis/statement.ts verifyStatement). Its
 * self-bond is power × powerReduction, so it must be a whole number of powerReduction; the draft
 * checks then refuse a duplicate key, operator or name and a self-bond above the operator's
 * allocation, each naming the entries involved.
 */
export function withValidator(g: Genesis, s: Statement, source: string): Genesis {
  const unit = g.staking.params.powerReduction;
  if (s.selfBond % unit !== 0n)
    throw new OpenchainError(
      'BAD_STATEMENT',
      `validator statement ${source}: selfBond ${s.selfBond} is not a whole multiple of staking.params.powerReduction (${unit})`,
    );
  const validator = {
    name: s.moniker,
    pubKey: s.consensusKey,
    power: s.selfBond / unit,
    rewardAddress: s.operator,
    commissionBps: s.commissionBps,
  };
  return recheck({ ...g, validators: [...g.validators, validator] }, `${source} added`);
}

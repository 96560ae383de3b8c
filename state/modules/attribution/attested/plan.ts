// Who a settled attested record pays (docs/attribution.md, "Attested scores"): pure integer
// arithmetic on the record's escrow, the revealed scores and the candidates, so that the property
// "everything escrowed is paid, to the wei" is tested on its own (settle.ts moves the money).
import type { Address } from '../../../../core/address.ts';
import { type Payout, Role } from '../records.ts';
import { apportion, planPool } from '../split.ts';
import { attesterWeights, consensusScores, type Revealed } from './consensus.ts';

export interface Reveal extends Revealed {
  readonly operator: Address;
}

export interface SettlementInput {
  /** The contributors' and the validators' escrowed shares. */
  readonly pool: bigint;
  readonly validatorsPool: bigint;
  /** In the record's candidate order. */
  readonly candidates: readonly { readonly id: bigint; readonly contributor: Address }[];
  /** The revealers (at least one), in snapshot order. */
  readonly reveals: readonly Reveal[];
  /** Where a pool no candidate earns goes: as for span records' uncovered bytes. */
  readonly uncovered: readonly { readonly role: Role; readonly refId: bigint; readonly recipient: Address }[];
  readonly treasury: Address;
}

export interface Settlement {
  readonly consensus: number[];
  /** Contributors (ascending id), or the uncovered recipients; sums to `pool`. */
  readonly contributors: Payout[];
  /** Revealers (role validator, to the operator), or the treasury; sums to `validatorsPool`. */
  readonly attesters: Payout[];
}

export function planSettlement(input: SettlementInput): Settlement {
  const consensus = consensusScores(input.reveals, input.candidates.length);
  // planPool with each consensus score as a weight and their sum as the whole: all of the pool
  // is covered, unless every score is 0 and it all goes to the uncovered recipients.
  const scored = input.candidates
    .map((c, i) => ({ id: c.id, contributor: c.contributor, bytes: consensus[i]! }))
    .filter((c) => c.bytes > 0)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const contributors = planPool({
    pool: input.pool,
    outputBytes: scored.reduce((sum, c) => sum + c.bytes, 0),
    contributions: scored,
    uncovered: input.uncovered,
  });
  return { consensus, contributors, attesters: planAttesters(input, consensus) };
}

/** The validators' pool by power × agreement, or all to the treasury if no revealer agrees at all. */
function planAttesters(input: SettlementInput, consensus: readonly number[]): Payout[] {
  if (input.validatorsPool === 0n) return [];
  const weights = attesterWeights(input.reveals, consensus);
  if (weights.every((w) => w === 0n))
    return [{ role: Role.treasury, refId: 0n, recipient: input.treasury, amount: input.validatorsPool }];
  const shares = apportion(input.validatorsPool, weights);
  const payouts: Payout[] = [];
  input.reveals.forEach((v, i) => {
    const amount = shares[i]!;
    if (amount > 0n) payouts.push({ role: Role.validator, refId: 0n, recipient: v.operator, amount });
  });
  return payouts;
}

// Duplicate-vote evidence as state: a block may carry evidence only if it proves equivocation by a
// validator of the evidence's height, is recent enough, and was never included before. Included
// evidence is recorded in the state, where the staking module can later slash for it.
import type { Address } from '../core/address.ts';
import { addressToBytes } from '../core/address.ts';
import { OpenchainError } from '../core/errors.ts';
import { type Evidence, evidenceHash, verifyDuplicateVote } from '../core/evidence.ts';
import { rlpEncode } from '../core/rlp.ts';
import type { Validator } from '../core/validator.ts';
import type { StateOverlay, StateReader } from './stateDb.ts';
import { stateKeys } from './stateKeys.ts';

export class InvalidEvidenceError extends OpenchainError<'INVALID_EVIDENCE'> {
  constructor(message: string) {
    super('INVALID_EVIDENCE', message);
  }
}

export interface EvidenceContext {
  readonly chainId: bigint;
  /** Height of the block that would include the evidence. */
  readonly height: number;
  readonly maxAgeBlocks: number;
  readonly state: StateReader;
  /** The validator set of a past height (the set that signed blocks at that height). */
  validatorsAt(height: number): Promise<readonly Validator[]>;
}

export function evidenceHeight(ev: Evidence): number {
  return ev.voteA.height;
}

/** Evidence that passed checkEvidence, with the offender's voting power at the evidence height. */
export interface CheckedEvidence {
  readonly evidence: Evidence;
  readonly power: bigint;
}

/** Throws InvalidEvidenceError naming the first problem; returns each evidence with its offender's power. */
export async function checkEvidence(
  list: readonly Evidence[],
  ctx: EvidenceContext,
): Promise<CheckedEvidence[]> {
  const checked: CheckedEvidence[] = [];
  const seen = new Set<string>();
  for (const ev of list) {
    const hash = evidenceHash(ev);
    const id = Buffer.from(hash).toString('hex');
    if (seen.has(id)) throw new InvalidEvidenceError(`evidence 0x${id} appears twice`);
    seen.add(id);
    if (ctx.state.get(stateKeys.evidence(hash)))
      throw new InvalidEvidenceError(`evidence 0x${id} was already included`);
    const height = evidenceHeight(ev);
    if (height >= ctx.height)
      throw new InvalidEvidenceError(`evidence of height ${height} is not from the past`);
    if (ctx.height - height > ctx.maxAgeBlocks) {
      throw new InvalidEvidenceError(`evidence of height ${height} is older than ${ctx.maxAgeBlocks} blocks`);
    }
    const validator = (await ctx.validatorsAt(height)).find((v) => v.address === ev.voteA.validator);
    if (!validator)
      throw new InvalidEvidenceError(`${ev.voteA.validator} was not a validator at height ${height}`);
    try {
      verifyDuplicateVote(ctx.chainId, ev, validator);
    } catch (err) {
      throw new InvalidEvidenceError(`evidence 0x${id}: ${(err as Error).message}`);
    }
    checked.push({ evidence: ev, power: validator.power });
  }
  return checked;
}

/** Records included evidence: evidence hash → [evidence height, validator, including height]. */
export function recordEvidence(state: StateOverlay, list: readonly Evidence[], includedAt: number): void {
  for (const ev of list) {
    const validator: Address = ev.voteA.validator;
    state.set(
      stateKeys.evidence(evidenceHash(ev)),
      rlpEncode([evidenceHeight(ev), addressToBytes(validator), includedAt]),
    );
  }
}

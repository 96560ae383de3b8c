// Duplicate-vote evidence waiting to be included in a block. Entries arrive verified (from our own
// vote sets, or from peers after verifyDuplicateVote against the validator set of their height),
// are handed to the proposer in a deterministic order until a block includes them, and dropped once
// older than the maximum age. Committed evidence is remembered for that age too, so a late copy from
// gossip is not proposed again.
//
// One offence (validator, height, round, vote type) is one piece of evidence, whichever pair of
// conflicting votes proves it: a validator that signed many blocks for one step, or anyone pairing
// its votes differently, adds nothing new. Each validator may hold at most `maxPerValidator` pending
// entries, so one offender cannot fill the pool and keep other validators' evidence out.

import type { Address } from '../core/address.ts';
import { bytesToHex, type Hex } from '../core/bytes.ts';
import { type Evidence, evidenceHash } from '../core/evidence.ts';

export type AddEvidenceResult = 'added' | 'known' | 'expired' | 'full' | 'offenderLimit';

interface PoolEntry {
  readonly evidence: Evidence;
  readonly hash: Hex;
  readonly height: number;
}

function evidenceHeight(ev: Evidence): number {
  return ev.voteA.height;
}

/** The offence an evidence proves: who equivocated at which step. */
function offenceKey(ev: Evidence): string {
  const { validator, height, round, type } = ev.voteA;
  return `${validator.toLowerCase()}/${height}/${round}/${type}`;
}

export class EvidencePool {
  readonly #maxAge: number;
  readonly #maxPending: number;
  readonly #maxPerValidator: number;
  readonly #pending = new Map<string, PoolEntry>();
  readonly #perValidator = new Map<Address, number>();
  /** Offences whose evidence was committed, with the evidence's height for expiry. */
  readonly #committed = new Map<string, number>();

  constructor(maxAgeBlocks: number, maxPending: number, maxPerValidator: number) {
    this.#maxAge = maxAgeBlocks;
    this.#maxPending = maxPending;
    this.#maxPerValidator = maxPerValidator;
  }

  get size(): number {
    return this.#pending.size;
  }

  isExpired(evidence: Evidence, currentHeight: number): boolean {
    return evidenceHeight(evidence) + this.#maxAge < currentHeight;
  }

  /** Whether the offence `evidence` proves is already pending or committed. */
  isKnown(evidence: Evidence): boolean {
    const key = offenceKey(evidence);
    return this.#pending.has(key) || this.#committed.has(key);
  }

  /** Adds verified evidence. */
  add(evidence: Evidence, currentHeight: number): AddEvidenceResult {
    if (this.isExpired(evidence, currentHeight)) return 'expired';
    if (this.isKnown(evidence)) return 'known';
    const offender = evidence.voteA.validator.toLowerCase() as Address;
    const held = this.#perValidator.get(offender) ?? 0;
    if (held >= this.#maxPerValidator) return 'offenderLimit';
    if (this.#pending.size >= this.#maxPending) return 'full';
    const hash = bytesToHex(evidenceHash(evidence));
    this.#pending.set(offenceKey(evidence), { evidence, hash, height: evidenceHeight(evidence) });
    this.#perValidator.set(offender, held + 1);
    return 'added';
  }

  /** Evidence for the next proposal: oldest height first, then by hash. */
  pending(limit: number): Evidence[] {
    return [...this.#pending.values()]
      .sort((a, b) => a.height - b.height || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
      .slice(0, limit)
      .map((e) => e.evidence);
  }

  /** Removes what `height`'s block included and forgets what has expired. */
  onBlockCommitted(height: number, included: readonly Evidence[]): void {
    for (const ev of included) {
      const key = offenceKey(ev);
      this.#remove(key);
      this.#committed.set(key, evidenceHeight(ev));
    }
    const next = height + 1;
    for (const [key, entry] of this.#pending) if (entry.height + this.#maxAge < next) this.#remove(key);
    for (const [key, h] of this.#committed) if (h + this.#maxAge < next) this.#committed.delete(key);
  }

  #remove(key: string): void {
    const entry = this.#pending.get(key);
    if (!entry) return;
    this.#pending.delete(key);
    const offender = entry.evidence.voteA.validator.toLowerCase() as Address;
    const held = (this.#perValidator.get(offender) ?? 1) - 1;
    if (held > 0) this.#perValidator.set(offender, held);
    else this.#perValidator.delete(offender);
  }
}

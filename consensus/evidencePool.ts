// Duplicate-vote evidence waiting to be included in a block. Entries arrive verified (from our own
// vote sets, or from peers after verifyDuplicateVote against the validator set of their height),
// are deduplicated by evidenceHash, handed to the proposer in a deterministic order until a block
// includes them, and dropped once older than the maximum age. Committed evidence is remembered for
// that age too, so a late copy from gossip is not proposed again.
import { bytesToHex, type Hex } from '../core/bytes.ts';
import { type Evidence, evidenceHash } from '../core/evidence.ts';

export type AddEvidenceResult = 'added' | 'known' | 'expired' | 'full';

interface PoolEntry {
  readonly evidence: Evidence;
  readonly hash: Hex;
  readonly height: number;
}

function evidenceHeight(ev: Evidence): number {
  return ev.voteA.height;
}

export class EvidencePool {
  readonly #maxAge: number;
  readonly #maxPending: number;
  readonly #pending = new Map<Hex, PoolEntry>();
  /** Hashes of committed evidence, with the evidence's height for expiry. */
  readonly #committed = new Map<Hex, number>();

  constructor(maxAgeBlocks: number, maxPending: number) {
    this.#maxAge = maxAgeBlocks;
    this.#maxPending = maxPending;
  }

  get size(): number {
    return this.#pending.size;
  }

  isExpired(evidence: Evidence, currentHeight: number): boolean {
    return evidenceHeight(evidence) + this.#maxAge < currentHeight;
  }

  /** Adds verified evidence. */
  add(evidence: Evidence, currentHeight: number): AddEvidenceResult {
    if (this.isExpired(evidence, currentHeight)) return 'expired';
    const hash = bytesToHex(evidenceHash(evidence));
    if (this.#pending.has(hash) || this.#committed.has(hash)) return 'known';
    if (this.#pending.size >= this.#maxPending) return 'full';
    this.#pending.set(hash, { evidence, hash, height: evidenceHeight(evidence) });
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
      const hash = bytesToHex(evidenceHash(ev));
      this.#pending.delete(hash);
      this.#committed.set(hash, evidenceHeight(ev));
    }
    const next = height + 1;
    for (const [hash, entry] of this.#pending)
      if (entry.height + this.#maxAge < next) this.#pending.delete(hash);
    for (const [hash, h] of this.#committed) if (h + this.#maxAge < next) this.#committed.delete(hash);
  }
}

// Tells a validator's operator when its precommits stop reaching the chain. A validator whose
// commit timeout (block.intervalMs) is longer than the network's moves to each next height after
// the others have decided it, so it signs almost nothing and staking jails it for downtime: nothing
// fails loudly, the log just shows blocks committed. Each committed block carries the commit of its
// parent (lastCommit); this counts the consecutive commits that lack our signature while we are in
// the validator set, and warns once at `warnAfter` of them, with the chain's recent block gap next
// to our own interval when that explains it. It reads state only when a signature is missing.

import type { Logger } from 'pino';
import type { Address } from '../core/address.ts';
import type { Block } from '../core/block.ts';

/** Recent block times kept for the gap estimate. */
const GAPS = 11;

export interface SigningWatchOptions {
  /** This validator's consensus address (as commits list signers). */
  readonly address: Address;
  /** This node's commit timeout (block.intervalMs). */
  readonly intervalMs: number;
  /** Whether `address` is in the validator set of the latest state (asked only on a miss). */
  readonly isValidator: () => boolean;
  readonly log: Pick<Logger, 'warn' | 'info'>;
  readonly warnAfter?: number;
}

export class SigningWatch {
  readonly #options: SigningWatchOptions;
  readonly #warnAfter: number;
  readonly #times: number[] = [];
  #missed = 0;

  constructor(options: SigningWatchOptions) {
    this.#options = options;
    this.#warnAfter = options.warnAfter ?? 10;
  }

  /** Consecutive committed blocks whose parent commit lacked our signature. */
  get missed(): number {
    return this.#missed;
  }

  observe(block: Block): void {
    this.#times.push(block.header.time);
    if (this.#times.length > GAPS) this.#times.shift();
    const commit = block.lastCommit;
    if (commit === null) return;
    const address = this.#options.address.toLowerCase();
    if (commit.signatures.some((s) => s.validator.toLowerCase() === address)) {
      if (this.#missed >= this.#warnAfter)
        this.#options.log.info(
          { missed: this.#missed, height: commit.height },
          'own precommits reach the chain again',
        );
      this.#missed = 0;
      return;
    }
    if (!this.#options.isValidator()) return;
    this.#missed++;
    if (this.#missed !== this.#warnAfter) return;
    const gap = this.medianGapMs();
    const { intervalMs } = this.#options;
    const slower = gap !== null && intervalMs * 2 > gap * 3;
    this.#options.log.warn(
      { missed: this.#missed, height: commit.height, intervalMs, chainBlockGapMs: gap },
      slower
        ? `this validator's precommits are missing from the last ${this.#missed} commits: its block.intervalMs (${intervalMs} ms) is longer than the chain's block gap (about ${gap} ms), so the others decide each height before it votes; set block.intervalMs to the network's value, or staking will jail it for downtime`
        : `this validator's precommits are missing from the last ${this.#missed} commits: check its clock, its load and its connections to the other validators, or staking will jail it for downtime`,
    );
  }

  /** Median gap between the recent blocks' times, or null before two blocks. */
  medianGapMs(): number | null {
    const gaps = this.#times.slice(1).map((t, i) => t - (this.#times[i] as number));
    if (gaps.length === 0) return null;
    gaps.sort((a, b) => a - b);
    return gaps[(gaps.length - 1) >> 1] as number;
  }
}

// Messages for the height after ours, kept until we get there: a validator that commits a little
// later than the others still has the next round 0's proposal and votes. Only verified messages are
// offered (the engine checks signatures and proposer first), and the buffer is bounded in count and
// in bytes, in total and per peer (the gossip source), so that no peer can hold more than its share
// of memory with messages it relays.
import type { Vote } from '../core/vote.ts';
import type { Proposal } from './proposal.ts';
import type { PeerId } from './types.ts';

export type EarlyMessage =
  | {
      readonly kind: 'proposal';
      readonly proposal: Proposal;
      readonly peer: PeerId;
      /** When it arrived: its timeliness is judged from then (see ConsensusConfig.clockPrecisionMs). */
      readonly receivedAt: number;
    }
  | { readonly kind: 'vote'; readonly vote: Vote; readonly peer: PeerId };

export interface NextHeightLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly maxBytesPerPeer: number;
}

export type BufferResult = 'kept' | 'full' | 'peerFull';

export class NextHeightBuffer {
  readonly #limits: NextHeightLimits;
  #messages: EarlyMessage[] = [];
  #bytes = 0;
  readonly #perPeer = new Map<PeerId, number>();
  /** Identities of what is kept (see add), for duplicates. */
  readonly #keys = new Set<string>();
  readonly #proposalsPerRound = new Map<number, number>();

  constructor(limits: NextHeightLimits) {
    this.#limits = limits;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#messages.length;
  }

  /** Whether a message with this identity is kept. */
  has(key: string): boolean {
    return this.#keys.has(key);
  }

  proposalCount(round: number): number {
    return this.#proposalsPerRound.get(round) ?? 0;
  }

  /** Keeps `message` (`bytes` encoded, identified by `key`) unless that would pass a bound. */
  add(message: EarlyMessage, bytes: number, key: string): BufferResult {
    const held = this.#perPeer.get(message.peer) ?? 0;
    if (held + bytes > this.#limits.maxBytesPerPeer) return 'peerFull';
    if (this.#messages.length >= this.#limits.maxMessages || this.#bytes + bytes > this.#limits.maxBytes)
      return 'full';
    this.#messages.push(message);
    this.#bytes += bytes;
    this.#perPeer.set(message.peer, held + bytes);
    this.#keys.add(key);
    if (message.kind === 'proposal') {
      const round = message.proposal.round;
      this.#proposalsPerRound.set(round, this.proposalCount(round) + 1);
    }
    return 'kept';
  }

  /** Everything kept, in arrival order; the buffer is empty afterwards. */
  take(): EarlyMessage[] {
    const out = this.#messages;
    this.#messages = [];
    this.#bytes = 0;
    this.#perPeer.clear();
    this.#keys.clear();
    this.#proposalsPerRound.clear();
    return out;
  }
}

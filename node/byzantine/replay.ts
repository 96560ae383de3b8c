// TEST-ONLY (README.md). `replay-messages`: the consensus network wrapped to remember this node's
// own signed votes and proposals and, on a timer, gossip again those of earlier heights. Each
// re-send gets a fresh gossip nonce (outside the signed bytes), so peers see a new message carrying
// an old, validly signed vote or proposal.
import type { Logger } from 'pino';
import type { Proposal } from '../../consensus/proposal.ts';
import type { ConsensusNetwork } from '../../consensus/types.ts';
import type { Evidence } from '../../core/evidence.ts';
import type { Vote } from '../../core/vote.ts';

/** Own messages remembered (the latest); bounds memory. */
const KEEP = 64;
/** Old messages re-sent per tick, and the tick: a bounded rate. */
const PER_TICK = 4;
export const REPLAY_INTERVAL_MS = 1000;

type Sent =
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'proposal'; readonly proposal: Proposal };

const heightOf = (m: Sent) => (m.kind === 'vote' ? m.vote.height : m.proposal.height);

export class ReplayingNetwork implements ConsensusNetwork {
  readonly #inner: ConsensusNetwork;
  readonly #log: Logger;
  readonly #sent: Sent[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #next = 0;
  #replayed = 0;

  constructor(inner: ConsensusNetwork, log: Logger) {
    this.#inner = inner;
    this.#log = log;
  }

  broadcastProposal(proposal: Proposal): void {
    this.#inner.broadcastProposal(proposal);
    this.#remember({ kind: 'proposal', proposal });
  }

  broadcastVote(vote: Vote): void {
    this.#inner.broadcastVote(vote);
    this.#remember({ kind: 'vote', vote });
  }

  broadcastEvidence(evidence: Evidence): void {
    this.#inner.broadcastEvidence(evidence);
  }

  requestCatchUp(height: number): void {
    this.#inner.requestCatchUp(height);
  }

  start(): void {
    this.#timer ??= setInterval(() => this.#replay(), REPLAY_INTERVAL_MS);
    this.#timer.unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #remember(m: Sent): void {
    this.#sent.push(m);
    if (this.#sent.length > KEEP) this.#sent.shift();
  }

  /** Re-sends, round-robin, own messages of heights below the latest this node signed for. */
  #replay(): void {
    const latest = Math.max(0, ...this.#sent.map(heightOf));
    const old = this.#sent.filter((m) => heightOf(m) < latest);
    for (let i = 0; i < Math.min(PER_TICK, old.length); i++) {
      const m = old[this.#next++ % old.length]!;
      if (m.kind === 'vote') this.#inner.broadcastVote(m.vote);
      else this.#inner.broadcastProposal(m.proposal);
      if (this.#replayed++ % 50 === 0) {
        this.#log.warn(
          { mode: 'replay-messages', height: heightOf(m), latest, kind: m.kind, replayed: this.#replayed },
          'byzantine: replayed an old signed message',
        );
      }
    }
  }
}

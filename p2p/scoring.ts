// Peer scoring. Gossipsub's score (P1-P7, see docs/p2p.md) judges gossip behaviour; application
// penalties (bad sync responses, timeouts) feed into it as P5, so one number decides who is
// graylisted and, below the same threshold, disconnected and banned (peerManager.ts).
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score';

export const SCORE_THRESHOLDS: PeerScoreThresholds = {
  /** Below: no gossip (IHAVE/IWANT) exchanged with the peer. */
  gossipThreshold: -20,
  /** Below: we do not publish our own messages to the peer. */
  publishThreshold: -40,
  /** Below: every RPC from the peer is ignored; peerManager also disconnects and bans it. */
  graylistThreshold: -80,
  /** Peer exchange is off (doPX false), so this only has to be valid. */
  acceptPXThreshold: 100,
  opportunisticGraftThreshold: 5,
};

/**
 * Per-topic weights. Only P1 (time in mesh), P2 (first deliveries) and P4 (invalid messages) are
 * used: P3 (mesh delivery rate) would punish every peer on a quiet chain where topics carry no
 * traffic for minutes, so it is off, like in Lodestar for topics without a predictable rate.
 */
const TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 300,
  firstMessageDeliveriesWeight: 0.1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 50,
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5_000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  // P4 is the counter squared times the weight: one REJECT -20, two -80, three -180 (graylisted).
  invalidMessageDeliveriesWeight: -20,
  // Per second: about 140 s half-life.
  invalidMessageDeliveriesDecay: 0.995,
};

export function scoreParams(
  topics: readonly string[],
  appScore: (peerId: string) => number,
): Partial<PeerScoreParams> {
  return {
    topics: Object.fromEntries(topics.map((t) => [t, TOPIC_SCORE])),
    // Positive topic score is capped so good behaviour cannot buy tolerance for many REJECTs.
    topicScoreCap: 10,
    appSpecificScore: appScore,
    appSpecificWeight: 1,
    // P7 (-10 x the penalty count squared) counts GRAFTs inside a backoff, at most two per topic
    // (one more inside the flood threshold) from a peer that restarted and forgot a PRUNE; free up
    // to that many, or four such GRAFTs (-160) graylisted and banned an honest restarted validator.
    behaviourPenaltyThreshold: 2 * topics.length,
    decayInterval: 1_000,
    decayToZero: 0.01,
    // A disconnected peer's score is kept (and not decayed) this long, so it cannot reset it by
    // reconnecting; matches the default ban.
    retainScore: 10 * 60_000,
  };
}

/** How bad a sync misbehaviour is; the penalty is subtracted from the peer's score (P5). */
export type PeerAction = 'fatal' | 'low' | 'mid' | 'high';

const PENALTIES: Readonly<Record<PeerAction, number>> = {
  /** Proven lie: a block or commit the chain rejects. Alone it crosses the ban threshold. */
  fatal: 100,
  /** Protocol violation: undecodable, wrong heights, too many blocks. Three of them ban. */
  low: 30,
  /** Timeout or missing blocks the peer said it had. */
  mid: 5,
  high: 1,
};

const HALF_LIFE_MS = 10 * 60_000;
/** More entries than connections ever allowed; the stalest is forgotten first. */
const MAX_TRACKED = 4_096;

/** Application penalties per peer, decaying exponentially (computed on read, no timers). */
export class PeerPenalties {
  readonly #entries = new Map<string, { value: number; at: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  add(peerId: string, action: PeerAction): number {
    const value = this.value(peerId) + PENALTIES[action];
    this.#entries.delete(peerId);
    this.#entries.set(peerId, { value, at: this.#now() });
    if (this.#entries.size > MAX_TRACKED) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }

  value(peerId: string): number {
    const e = this.#entries.get(peerId);
    if (!e) return 0;
    return e.value * 0.5 ** ((this.#now() - e.at) / HALF_LIFE_MS);
  }
}

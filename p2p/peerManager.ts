// Who we are connected to and who we refuse: the peer list for RPC, application penalties, and
// the policy that disconnects and bans peers whose score falls below the graylist threshold.
import type { ConnectionGater, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Libp2p } from 'libp2p';
import type { Logger } from 'pino';
import type { GossipRouter } from './router.ts';
import { type PeerAction, type PeerPenalties, SCORE_THRESHOLDS } from './scoring.ts';

export interface PeerInfo {
  readonly id: string;
  /** Remote addresses of the open connections to the peer. */
  readonly addresses: readonly string[];
  /** Direction of the oldest open connection: who dialed whom. */
  readonly direction: 'inbound' | 'outbound';
  /** Gossipsub score including application penalties; below -80 the peer is banned. */
  readonly score: number;
}

/** Upper bound on remembered bans; the oldest is forgotten first. */
const MAX_BANS = 4_096;

/** Temporary bans, enforced by libp2p's connection gater on dials and on inbound handshakes. */
export class PeerBans {
  readonly #until = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  ban(peerId: string, ms: number): void {
    this.#until.delete(peerId);
    this.#until.set(peerId, this.#now() + ms);
    if (this.#until.size > MAX_BANS) this.#until.delete(this.#until.keys().next().value!);
  }

  isBanned(peerId: string): boolean {
    const until = this.#until.get(peerId);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#until.delete(peerId);
    return false;
  }

  gater(): ConnectionGater {
    const denied = (peer: PeerId) => this.isBanned(peer.toString());
    return {
      denyDialPeer: denied,
      denyInboundEncryptedConnection: denied,
      denyOutboundEncryptedConnection: denied,
    };
  }
}

export class PeerManager {
  readonly #libp2p: Libp2p;
  readonly #router: GossipRouter;
  readonly #penalties: PeerPenalties;
  readonly #bans: PeerBans;
  readonly #banMs: number;
  readonly #log: Logger;
  readonly #onHeartbeat = () => {
    for (const peer of this.#libp2p.getPeers()) this.#enforce(peer.toString());
  };

  constructor(
    libp2p: Libp2p,
    router: GossipRouter,
    penalties: PeerPenalties,
    bans: PeerBans,
    banMs: number,
    log: Logger,
  ) {
    this.#libp2p = libp2p;
    this.#router = router;
    this.#penalties = penalties;
    this.#bans = bans;
    this.#banMs = banMs;
    this.#log = log;
  }

  /** Gossip scores change on every heartbeat (1 s), so that is when they are enforced. */
  start(): void {
    this.#router.addEventListener('gossipsub:heartbeat', this.#onHeartbeat);
  }

  stop(): void {
    this.#router.removeEventListener('gossipsub:heartbeat', this.#onHeartbeat);
  }

  /**
   * The lower of gossipsub's score (which includes the penalties as P5, refreshed each heartbeat)
   * and the penalties alone (which count at once, and also for a peer that never joined gossip).
   * `0 - x` rather than `-x`: a clean peer scores 0, not -0, in RPC output.
   */
  score(peerId: string): number {
    return Math.min(this.#router.getScore(peerId), 0 - this.#penalties.value(peerId));
  }

  penalize(peerId: string, action: PeerAction, reason: string): void {
    const total = this.#penalties.add(peerId, action);
    this.#log.debug({ peer: peerId, action, reason, penalty: Math.round(total) }, 'peer penalized');
    this.#enforce(peerId);
  }

  isBanned(peerId: string): boolean {
    return this.#bans.isBanned(peerId);
  }

  get peerCount(): number {
    return this.#libp2p.getPeers().length;
  }

  peers(): PeerInfo[] {
    const byPeer = new Map<
      string,
      { addresses: string[]; direction: 'inbound' | 'outbound'; opened: number }
    >();
    for (const c of this.#libp2p.getConnections()) {
      const id = c.remotePeer.toString();
      const entry = byPeer.get(id);
      if (!entry) {
        byPeer.set(id, {
          addresses: [c.remoteAddr.toString()],
          direction: c.direction,
          opened: c.timeline.open,
        });
        continue;
      }
      entry.addresses.push(c.remoteAddr.toString());
      if (c.timeline.open < entry.opened)
        Object.assign(entry, { direction: c.direction, opened: c.timeline.open });
    }
    return [...byPeer].map(([id, e]) => ({
      id,
      addresses: e.addresses,
      direction: e.direction,
      score: this.score(id),
    }));
  }

  #enforce(peerId: string): void {
    const score = this.score(peerId);
    if (score >= SCORE_THRESHOLDS.graylistThreshold || this.#bans.isBanned(peerId)) return;
    this.#log.info(
      { peer: peerId, score: Math.round(score), banMs: this.#banMs },
      'disconnecting peer with low score',
    );
    if (this.#banMs > 0) this.#bans.ban(peerId, this.#banMs);
    this.#libp2p.hangUp(peerIdFromString(peerId)).catch((err: Error) => {
      this.#log.debug({ peer: peerId, err: err.message }, 'hang up failed');
    });
  }
}

// A simulated gossip network between engines: every broadcast is delivered to every other node
// after a latency, through fake time, unless a policy drops it or a partition separates the two.
// Messages cross as their wire encodings (fresh objects on the other side). Delivery order between
// two nodes follows the latencies, so jitter reorders. Catch-up requests are served from the
// blocks any reachable node has committed.

import type { ConsensusEngine } from '../../../consensus/engine.ts';
import type { Proposal } from '../../../consensus/proposal.ts';
import type { ConsensusNetwork, Verdict } from '../../../consensus/types.ts';
import { type Block, decodeBlock, encodeBlock } from '../../../core/block.ts';
import { decodeEvidenceItem, type Evidence, evidenceFields } from '../../../core/evidence.ts';
import { rlpDecode, rlpEncode } from '../../../core/rlp.ts';
import { type Commit, decodeVote, encodeVote, type Vote } from '../../../core/vote.ts';
import type { FakeTime } from './fakeTime.ts';
import type { Random } from './random.ts';

export type Message =
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'evidence'; readonly evidence: Evidence };

export interface Delivery {
  readonly from: string;
  readonly to: string;
  readonly message: Message;
}

export interface NetworkPolicy {
  /** Base one-way latency in ms (default 5) plus up to `jitterMs` (default 3). */
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  /** Probability of dropping a delivery. */
  readonly dropRate?: number;
  /** Probability of delivering a message twice. */
  readonly duplicateRate?: number;
  /** Rewrites (or drops, with null) a delivery: byzantine behaviour and targeted faults. */
  readonly intercept?: (d: Delivery) => Message | null;
}

interface Peer {
  engine: ConsensusEngine | undefined;
  /** Committed blocks this node can serve. */
  readonly committed: (height: number) => { block: Block; commit: Commit } | undefined;
  readonly head: () => number;
}

function copy(message: Message): Message {
  switch (message.kind) {
    case 'vote':
      return { kind: 'vote', vote: decodeVote(encodeVote(message.vote)) };
    case 'proposal':
      return {
        kind: 'proposal',
        proposal: { ...message.proposal, block: decodeBlock(encodeBlock(message.proposal.block)) },
      };
    case 'evidence':
      return {
        kind: 'evidence',
        evidence: decodeEvidenceItem(rlpDecode(rlpEncode(evidenceFields(message.evidence)))),
      };
  }
}

export class SimNetwork {
  readonly #time: FakeTime;
  readonly #rng: Random;
  readonly #peers = new Map<string, Peer>();
  #groups: string[][] | null = null;
  policy: NetworkPolicy = {};
  /** Every message each node broadcast, in order. */
  readonly sent: { from: string; message: Message }[] = [];
  readonly verdicts: { to: string; from: string; kind: string; verdict: Verdict }[] = [];
  readonly catchUpRequests: { node: string; height: number }[] = [];

  constructor(time: FakeTime, rng: Random) {
    this.#time = time;
    this.#rng = rng;
  }

  join(id: string, peer: Peer): ConsensusNetwork {
    this.#peers.set(id, peer);
    const broadcast = (message: Message) => {
      this.sent.push({ from: id, message });
      for (const to of this.#peers.keys()) if (to !== id) this.#send({ from: id, to, message });
    };
    return {
      broadcastProposal: (proposal) => broadcast({ kind: 'proposal', proposal }),
      broadcastVote: (vote) => broadcast({ kind: 'vote', vote }),
      broadcastEvidence: (evidence) => broadcast({ kind: 'evidence', evidence }),
      requestCatchUp: (height) => this.#catchUp(id, height),
    };
  }

  attach(id: string, engine: ConsensusEngine | undefined): void {
    this.#peers.get(id)!.engine = engine;
  }

  /** Only nodes in the same group reach each other; null heals. */
  partition(groups: string[][] | null): void {
    this.#groups = groups;
  }

  connected(a: string, b: string): boolean {
    return this.#groups === null || this.#groups.some((g) => g.includes(a) && g.includes(b));
  }

  #latency(): number {
    return (this.policy.latencyMs ?? 5) + Math.floor(this.#rng.next() * ((this.policy.jitterMs ?? 3) + 1));
  }

  #send(d: Delivery): void {
    if (!this.connected(d.from, d.to)) return;
    if (this.#rng.next() < (this.policy.dropRate ?? 0)) return;
    const message = this.policy.intercept ? this.policy.intercept(d) : d.message;
    if (!message) return;
    const copies = this.#rng.next() < (this.policy.duplicateRate ?? 0) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.#time.setTimer(this.#latency(), () => this.#deliver({ ...d, message: copy(message) }));
    }
  }

  #deliver({ from, to, message }: Delivery): void {
    const engine = this.#peers.get(to)?.engine;
    if (!engine?.running || !this.connected(from, to)) return;
    const record = (verdict: Verdict) => {
      this.verdicts.push({ to, from, kind: message.kind, verdict });
    };
    switch (message.kind) {
      case 'proposal':
        void Promise.resolve(engine.onProposal(message.proposal, from)).then(record);
        return;
      case 'vote':
        record(engine.onVote(message.vote, from));
        return;
      case 'evidence':
        void engine.onEvidence(message.evidence, from).then(record);
        return;
    }
  }

  // Block sync as p2p does it: up to 10 consecutive blocks from the first reachable node that has
  // them, each applied (and awaited) through the engine's applyBlock.
  #catchUp(id: string, height: number): void {
    this.catchUpRequests.push({ node: id, height });
    for (const [peerId, peer] of this.#peers) {
      if (peerId === id || !peer.engine?.running || !this.connected(id, peerId) || peer.head() < height) {
        continue;
      }
      const last = Math.min(peer.head(), height + 9);
      this.#time.setTimer(this.#latency(), () => {
        void (async () => {
          for (let h = height; h <= last; h++) {
            const engine = this.#peers.get(id)?.engine;
            const item = peer.committed(h);
            if (!engine?.running || !item) return;
            await engine.applyBlock(decodeBlock(encodeBlock(item.block)), item.commit).catch(() => {});
          }
        })();
      });
      return;
    }
  }
}

// TEST-ONLY (README.md). Gossip spam straight onto the node's gossipsub topics, past the checks its
// own publishing path makes: undecodable junk on every topic (`flood-junk`) and messages above each
// topic's size limit (`oversized-messages`). Both at a bounded rate; every message differs, since
// gossipsub drops repeated bytes as one message.
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { P2pHost } from '../../p2p/host.ts';
import type { GossipKind } from '../../p2p/topics.ts';
import { GOSSIP_KINDS } from '../../p2p/topics.ts';

export const SPAM_INTERVAL_MS = 250;
/** Junk messages per topic per tick: 4 topics × 2 × 4 ticks/s = 32 messages/s. */
const JUNK_PER_TOPIC = 2;
const JUNK_MAX_BYTES = 512;
/** Bytes above a topic's limit; below gossipsub's frame slack (64 KiB), so the frame still arrives. */
const OVERSIZE_BYTES = 1024;
/** The proposal topic's limit is megabytes: one oversized proposal every this many ticks. */
const PROPOSAL_EVERY = 8;

export interface SpamOptions {
  readonly junk: boolean;
  readonly oversized: boolean;
  readonly limits: Readonly<Record<GossipKind, number>>;
  readonly log: Logger;
}

export class GossipSpammer {
  readonly #opts: SpamOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #tick = 0;
  #sent = 0;

  constructor(opts: SpamOptions) {
    this.#opts = opts;
  }

  start(host: P2pHost): void {
    this.#timer ??= setInterval(() => this.#spam(host), SPAM_INTERVAL_MS);
    this.#timer.unref?.();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #spam(host: P2pHost): void {
    const tick = this.#tick++;
    const publish = (kind: GossipKind, data: Uint8Array, mode: string) => {
      host.libp2p.services.pubsub.publish(host.names.topics[kind], data).catch(() => {}); // no peers left
      if (this.#sent++ % 100 === 0) {
        this.#opts.log.warn(
          { mode, topic: kind, bytes: data.length, sent: this.#sent },
          'byzantine: gossiping spam',
        );
      }
    };
    if (this.#opts.junk) {
      for (const kind of GOSSIP_KINDS) {
        for (let i = 0; i < JUNK_PER_TOPIC; i++) publish(kind, junk(), 'flood-junk');
      }
    }
    if (this.#opts.oversized) {
      const kind = GOSSIP_KINDS[tick % GOSSIP_KINDS.length]!;
      if (kind !== 'proposal' || tick % PROPOSAL_EVERY === 1) {
        publish(
          kind,
          randomBytes(this.#opts.limits[kind] + 1 + randomInt(OVERSIZE_BYTES)),
          'oversized-messages',
        );
      }
    }
  }
}

/**
 * Bytes no decoder accepts: protobuf field 1, wire type 2, claiming 65,535 bytes where at most
 * JUNK_MAX_BYTES follow; the filler is random, so every message is new to gossipsub.
 */
function junk(): Uint8Array {
  const filler = randomBytes(1 + randomInt(JUNK_MAX_BYTES));
  const bytes = new Uint8Array(4 + filler.length);
  bytes.set([0x0a, 0xff, 0xff, 0x03]);
  bytes.set(filler, 4);
  return bytes;
}

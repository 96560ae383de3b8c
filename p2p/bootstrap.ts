// Keeps the configured bootstrap peers connected. @libp2p/bootstrap dials them once at start;
// devnet and testnet nodes restart all the time, so a lost or not-yet-started bootstrap peer is
// redialed with exponential backoff (base delay doubling per failure, capped at MAX_DELAY_MS).
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr';
import type { Libp2p } from 'libp2p';
import type { Logger } from 'pino';

const MAX_DELAY_MS = 60_000;

interface Target {
  readonly peer: PeerId;
  readonly addr: Multiaddr;
  delay: number;
  nextAt: number;
  dialing: boolean;
}

export interface BootstrapKeeperOptions {
  readonly baseDelayMs: number;
  readonly dialTimeoutMs: number;
  /** Banned peers are not redialed (the gater would refuse anyway; this keeps the log quiet). */
  readonly isBanned: (peerId: string) => boolean;
}

export class BootstrapKeeper {
  readonly #libp2p: Libp2p;
  readonly #targets: Target[];
  readonly #opts: BootstrapKeeperOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;

  constructor(libp2p: Libp2p, addrs: readonly string[], opts: BootstrapKeeperOptions, log: Logger) {
    this.#libp2p = libp2p;
    this.#opts = opts;
    this.#log = log;
    const self = libp2p.peerId.toString();
    this.#targets = addrs
      .map((a) => multiaddr(a))
      .map((addr) => ({
        addr,
        peer: peerIdFromString(addr.getComponents().findLast((c) => c.name === 'p2p')!.value!),
      }))
      .filter((t) => t.peer.toString() !== self)
      .map((t) => ({ ...t, delay: opts.baseDelayMs, nextAt: 0, dialing: false }));
  }

  start(): void {
    if (this.#targets.length === 0) return;
    this.#timer = setInterval(() => this.#tick(), Math.min(this.#opts.baseDelayMs, 1_000));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = Date.now();
    for (const t of this.#targets) {
      if (t.dialing || now < t.nextAt || this.#opts.isBanned(t.peer.toString())) continue;
      if (this.#libp2p.getConnections(t.peer).length > 0) {
        t.delay = this.#opts.baseDelayMs;
        continue;
      }
      t.dialing = true;
      this.#libp2p
        .dial(t.addr, { signal: AbortSignal.timeout(this.#opts.dialTimeoutMs) })
        .then(() => {
          this.#log.info({ peer: t.peer.toString() }, 'connected to bootstrap peer');
          t.delay = this.#opts.baseDelayMs;
        })
        .catch((err: Error) => {
          this.#log.debug(
            { peer: t.peer.toString(), err: err.message, retryMs: t.delay },
            'bootstrap dial failed',
          );
          t.nextAt = Date.now() + t.delay;
          t.delay = Math.min(t.delay * 2, MAX_DELAY_MS);
        })
        .finally(() => {
          t.dialing = false;
        });
    }
  }
}

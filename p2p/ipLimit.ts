// Inbound connections per remote IP. A sybil on one machine can mint any number of peer ids, so
// the peer-id bans and the total connection cap alone would let it fill every slot (an eclipse);
// counting by address makes each extra slot cost it another IP.
import type { MultiaddrConnection } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';

/** The IP of an /ip4 or /ip6 address, or undefined for anything else (a relay, a socket). */
export function ipOf(addr: Multiaddr): string | undefined {
  const first = addr.getComponents()[0];
  return first && (first.name === 'ip4' || first.name === 'ip6') ? first.value : undefined;
}

export class IpConnectionLimit {
  readonly #max: number;
  readonly #openAddresses: () => Iterable<Multiaddr>;

  /** `openAddresses` lists the remote addresses of the connections open now. */
  constructor(max: number, openAddresses: () => Iterable<Multiaddr>) {
    this.#max = max;
    this.#openAddresses = openAddresses;
  }

  /** For libp2p's connection gater: true refuses the connection before its handshake. */
  denyInbound(maConn: MultiaddrConnection): boolean {
    const ip = ipOf(maConn.remoteAddr);
    if (ip === undefined) return false;
    let open = 0;
    for (const addr of this.#openAddresses()) if (ipOf(addr) === ip) open++;
    return open >= this.#max;
  }
}

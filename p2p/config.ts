// The `p2p` section of the node config (node/config.ts nests this schema). Every field has a
// default that suits a small validator network; docs/p2p.md explains each one.
import { multiaddr } from '@multiformats/multiaddr';
import { z } from 'zod';

function parsesAsMultiaddr(s: string): boolean {
  try {
    multiaddr(s);
    return true;
  } catch {
    return false;
  }
}

const addr = z.string().refine(parsesAsMultiaddr, 'expected a multiaddr like /ip4/1.2.3.4/tcp/26656');
/** Bootstrap peers must name their peer id, so the noise handshake can prove who answered. */
const peerAddr = addr.refine(
  (s) =>
    parsesAsMultiaddr(s) &&
    multiaddr(s)
      .getComponents()
      .some((c) => c.name === 'p2p'),
  'expected a multiaddr ending in /p2p/<peer id>',
);
const ms = (min: number, def: number) => z.number().int().min(min).max(3_600_000).default(def);
const count = (max: number, def: number) => z.number().int().min(1).max(max).default(def);

export const syncConfigSchema = z.strictObject({
  // client side
  /** Blocks asked for per request. */
  batchSize: count(1024, 32),
  /** Requests in flight or downloaded but not yet applied; bounds memory to this many responses. */
  maxBatchesAhead: count(64, 8),
  /** Requests in flight to one peer (servers accept 8 streams per connection and protocol). */
  perPeerRequests: count(8, 2),
  requestTimeoutMs: ms(100, 10_000),
  /** How often peers' statuses are re-read while syncing. */
  statusIntervalMs: ms(100, 5_000),
  progressIntervalMs: ms(100, 5_000),
  /** With no peer at all, how long to wait for one before declaring there is nothing to sync. */
  peerWaitMs: ms(0, 5_000),
  // server side
  maxBlocksPerRequest: count(1024, 64),
  /** A response stops before this many bytes (but always carries at least one block). */
  maxResponseBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(256 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  /** Token bucket per peer on requests (status and blocks). */
  requestsPerSecond: count(10_000, 10),
  requestBurst: count(100_000, 20),
  /** Token bucket per peer on blocks served. */
  blocksPerSecond: count(1_000_000, 500),
  blockBurst: count(10_000_000, 1_000),
  /** Responses being assembled or written at once, over all peers. */
  maxConcurrentResponses: count(1024, 16),
});

export const p2pConfigSchema = z.strictObject({
  listen: z.array(addr).default(['/ip4/0.0.0.0/tcp/26656']),
  /** Addresses to advertise instead of the listen addresses (public IP behind NAT). */
  announce: z.array(addr).default([]),
  bootstrap: z.array(peerAddr).default([]),
  maxConnections: count(10_000, 50),
  /** Inbound connections from one IP address (sybil peers on one machine; docs/security.md). */
  maxConnectionsPerIp: count(10_000, 16),
  dialTimeoutMs: ms(100, 10_000),
  /** First redial delay for a lost bootstrap peer; doubles per failure up to 60 s. */
  bootstrapRedialMs: ms(100, 2_000),
  /**
   * How often libp2p's connection monitor probes each connection (a new stream and a protocol
   * negotiation) and aborts it if the peer does not answer; see docs/p2p.md, "Idle cost".
   */
  pingIntervalMs: ms(1_000, 60_000),
  /** How long a peer that fell below the disconnect score stays banned. */
  banMs: ms(0, 10 * 60_000),
  sync: syncConfigSchema.prefault({}),
});

export type P2pConfig = z.output<typeof p2pConfigSchema>;
export type P2pConfigInput = z.input<typeof p2pConfigSchema>;
export type SyncConfig = z.output<typeof syncConfigSchema>;

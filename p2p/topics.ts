// Names on the wire. Every topic and protocol id carries the chain id and the first 8 bytes of the
// genesis hash, so nodes of another chain (or a restarted testnet with a new genesis) never mesh
// or answer each other: gossipsub only forwards within a topic, and multistream-select refuses an
// unknown protocol id before a byte of payload is read.
import type { Hex } from '../core/bytes.ts';
import { P2pError } from './errors.ts';

export interface ChainIdentity {
  readonly chainId: bigint;
  readonly genesisHash: Hex;
}

export const GOSSIP_KINDS = ['tx', 'proposal', 'vote', 'evidence'] as const;
export type GossipKind = (typeof GOSSIP_KINDS)[number];

export interface Names {
  readonly topics: Readonly<Record<GossipKind, string>>;
  readonly statusProtocol: string;
  readonly blocksProtocol: string;
  /** Pulls the block of a proposal that was announced by hash (too large to gossip inline). */
  readonly proposalBlockProtocol: string;
  /** Topic string back to its kind; undefined for topics that are not ours. */
  kindOf(topic: string): GossipKind | undefined;
}

function chainPrefix(chain: ChainIdentity): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(chain.genesisHash)) {
    throw new P2pError(
      'INVALID_P2P_CONFIG',
      `genesis hash must be 32 bytes of hex, got ${chain.genesisHash}`,
    );
  }
  return `/openchain/${chain.chainId}/${chain.genesisHash.slice(2, 18).toLowerCase()}`;
}

export function names(chain: ChainIdentity): Names {
  const prefix = chainPrefix(chain);
  const topics = {
    tx: `${prefix}/tx/1`,
    proposal: `${prefix}/proposal/1`,
    vote: `${prefix}/vote/1`,
    evidence: `${prefix}/evidence/1`,
  };
  const byTopic = new Map(GOSSIP_KINDS.map((k) => [topics[k], k]));
  return {
    topics,
    statusProtocol: `${prefix}/status/1`,
    blocksProtocol: `${prefix}/blocks/1`,
    proposalBlockProtocol: `${prefix}/proposal-block/1`,
    kindOf: (topic) => byTopic.get(topic),
  };
}

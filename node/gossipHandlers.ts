// What the node does with gossip: transactions go to the mempool, proposals, votes and evidence to
// the consensus engine. Each returns a verdict that p2p turns into ACCEPT / IGNORE / REJECT, so
// peers sending provably invalid messages lose score. While the node is still syncing, consensus
// messages are ignored without blame: they are about heights it cannot judge yet.

import type { ConsensusEngine } from '../consensus/engine.ts';
import { OpenchainError } from '../core/errors.ts';
import type { GossipHandler } from '../p2p/gossip/gossip.ts';
import { ACCEPT, ignore, reject } from '../p2p/gossip/verdict.ts';
import type { Chain } from '../state/chain.ts';

/** Rejections that hold for every node whatever its state: the sender should have known. */
const INVALID_TX_CODES: ReadonlySet<string> = new Set([
  'INVALID_ENCODING',
  'INVALID_SIGNATURE',
  'OVERSIZED',
  'WRONG_CHAIN_ID',
  'TIP_ABOVE_MAX_FEE',
  'CONTRACT_CREATION',
  'NO_EVM',
  'INTRINSIC_GAS',
]);

export function gossipHandlers(chain: Chain, engine: ConsensusEngine, synced: () => boolean): GossipHandler {
  const syncing = ignore('syncing');
  return {
    async onTx(raw) {
      if (!synced()) return syncing;
      try {
        await chain.mempool.add(raw);
        return ACCEPT;
      } catch (err) {
        if (err instanceof OpenchainError && INVALID_TX_CODES.has(err.code))
          return reject(`${err.code}: ${err.message}`);
        return ignore(err instanceof Error ? err.message : String(err));
      }
    },
    onProposal: (proposal, from) => (synced() ? engine.onProposal(proposal, from) : syncing),
    onVote: (vote, from) => (synced() ? engine.onVote(vote, from) : syncing),
    onEvidence: (evidence, from) => (synced() ? engine.onEvidence(evidence, from) : syncing),
    checkProposalHeader: (a) => (synced() ? engine.checkProposalHeader(a, a.blockHash) : syncing),
  };
}

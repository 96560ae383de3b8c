// TEST-ONLY (README.md). Equivocation: the consensus network wrapped so that every vote for a block
// is followed by a conflicting vote for nil (`double-vote`), and every proposal by a second,
// different proposal for the same height and round (`double-propose`). Both are signed with the
// validator's real key past the double-sign guard, so peers see two validly signed messages.
import type { Logger } from 'pino';
import type { Proposal } from '../../consensus/proposal.ts';
import { proposalSignBytes } from '../../consensus/proposal.ts';
import type { ConsensusNetwork } from '../../consensus/types.ts';
import { blockHash } from '../../core/block.ts';
import { ed25519Sign } from '../../core/ed25519.ts';
import { type Vote, voteSignBytes } from '../../core/vote.ts';
import type { Chain } from '../../state/chain.ts';
import type { ValidatorKey } from '../keys.ts';

/** Heights kept in the set of messages already doubled; older keys are forgotten. */
const KEEP_HEIGHTS = 4;

export interface EquivocationOptions {
  readonly doubleVote: boolean;
  readonly doublePropose: boolean;
  readonly chain: Chain;
  readonly key: ValidatorKey;
  readonly log: Logger;
}

export function equivocatingNetwork(inner: ConsensusNetwork, opts: EquivocationOptions): ConsensusNetwork {
  const { chain, key, log } = opts;
  // The engine re-sends its messages when a round stalls: each is doubled once.
  const doubled = new Map<string, number>();
  const firstTime = (height: number, what: string): boolean => {
    const k = `${height}/${what}`;
    if (doubled.has(k)) return false;
    doubled.set(k, height);
    for (const [old, h] of doubled) if (h < height - KEEP_HEIGHTS) doubled.delete(old);
    return true;
  };

  const conflictingVote = (vote: Vote): void => {
    const nil = { type: vote.type, height: vote.height, round: vote.round, blockHash: null };
    const signature = ed25519Sign(voteSignBytes(chain.chainId, nil), key.secretKey);
    inner.broadcastVote({ ...nil, validator: vote.validator, signature });
    log.warn(
      { mode: 'double-vote', height: vote.height, round: vote.round, type: vote.type, block: vote.blockHash },
      'byzantine: signed and sent a conflicting vote for nil',
    );
  };

  const secondProposal = async (p: Proposal): Promise<void> => {
    const header = p.block.header;
    const proposer = chain.validators().find((v) => v.address === header.proposer);
    if (!proposer || chain.head.header.height !== p.height - 1) return;
    // The real builder, a millisecond later: a different valid block of the same height.
    const block = await chain.prepareProposal({
      height: p.height,
      time: header.time + 1,
      proposer,
      lastCommit: p.block.lastCommit,
      evidence: p.block.evidence,
    });
    const hash = blockHash(block.header);
    const bytes = proposalSignBytes(chain.chainId, p.height, p.round, p.polRound, hash);
    inner.broadcastProposal({ ...p, block, signature: ed25519Sign(bytes, key.secretKey) });
    log.warn(
      { mode: 'double-propose', height: p.height, round: p.round, first: blockHash(header), second: hash },
      'byzantine: signed and sent a second proposal',
    );
  };

  return {
    broadcastProposal(p) {
      inner.broadcastProposal(p);
      if (opts.doublePropose && firstTime(p.height, `proposal/${p.round}`)) {
        secondProposal(p).catch((err: unknown) =>
          log.warn({ err, mode: 'double-propose' }, 'byzantine: no second proposal'),
        );
      }
    },
    broadcastVote(vote) {
      inner.broadcastVote(vote);
      if (opts.doubleVote && vote.blockHash !== null && firstTime(vote.height, `${vote.type}/${vote.round}`))
        conflictingVote(vote);
    },
    broadcastEvidence: (e) => inner.broadcastEvidence(e),
    requestCatchUp: (h) => inner.requestCatchUp(h),
  };
}

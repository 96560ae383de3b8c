// Messages for heights ahead of ours cannot be judged fully (their round state is unknown and their
// validator set may differ from ours), but their signature can be checked against the validators
// we know. Only a message signed by one of them may start a catch-up, and with it a block-sync run:
// anyone can make up a vote for a future height, only a validator can sign one.
import { type Vote, verifyVoteSignature } from '../core/vote.ts';
import { type Proposal, verifyProposalSignature } from './proposal.ts';
import type { ValidatorSet } from './validatorSet.ts';

/** 'unknown': the signer is not in our set (it may join later); 'forged': it is, and did not sign. */
export type AheadSignature = 'signed' | 'unknown' | 'forged';

export type AheadMessage =
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'proposal'; readonly proposal: Proposal };

export function aheadSignature(
  chainId: bigint,
  message: AheadMessage,
  validators: ValidatorSet,
): AheadSignature {
  if (message.kind === 'vote') {
    const validator = validators.get(message.vote.validator);
    if (!validator) return 'unknown';
    return verifyVoteSignature(chainId, message.vote, validator) ? 'signed' : 'forged';
  }
  // The proposer of a future round is not known yet; the block names who built it.
  const validator = validators.get(message.proposal.block.header.proposer);
  if (!validator) return 'unknown';
  return verifyProposalSignature(chainId, message.proposal, validator.pubKey) ? 'signed' : 'forged';
}

// The governance module as the explorer reads it: through the open_ governance methods (JSON, no
// ABI decoding here). Pure, so the tests import it directly.

/** The governance module's reserved address (state/modules/gov/abi.ts). */
export const GOV_ADDRESS = '0x00000000000000000000000000000000000060f0';

/** Each proposal status (open_getProposal's `status`) and the badge kind it is shown with. */
export const PROPOSAL_STATUS_KIND = {
  deposit: 'muted',
  voting: 'info',
  passed: 'ok',
  rejected: 'warn',
  vetoed: 'bad',
  noQuorum: 'warn',
  failed: 'bad',
  expired: 'muted',
};

/** The tally's options in the order bars show them: field, label, colour. */
export const VOTE_OPTIONS = [
  ['yes', 'Yes', 'hue-2'],
  ['abstain', 'Abstain', 'hue-4'],
  ['no', 'No', 'hue-0'],
  ['noWithVeto', 'No with veto', 'hue-3'],
];

/** The calls the governance page batches; governanceOf reads their answers. */
export const GOV_CALLS = [['open_getProposals'], ['open_govParams']];

/** The answers to GOV_CALLS; a refused call (a chain without governance) reads as null. */
export function governanceOf([proposals, params]) {
  return {
    proposals: proposals instanceof Error ? null : proposals,
    params: params instanceof Error ? null : params,
  };
}

/** A tally (hex quantities) as share-bar parts [label, wei, colour] over the bonded stake. */
export function tallyParts(tally) {
  return VOTE_OPTIONS.map(([field, label, hue]) => [label, BigInt(tally[field]), hue]);
}

// open_ methods for the governance module: parameters, proposals (with their live tally while
// voting), deposits and votes as plain JSON. Answers come from the module's own view functions on
// the latest state, so both routes always agree. Kinds, statuses and vote options carry their names.
import { z } from 'zod';
import type { Chain } from '../state/chain.ts';
import {
  govViews,
  ProposalKind,
  ProposalStatus,
  proposalView,
  readProposal,
  VoteOption,
} from '../state/modules/gov/index.ts';
import { lastProposalId } from '../state/modules/gov/store.ts';
import type { JsonValue } from './jsonrpc.ts';
import { uint64 } from './params.ts';
import { namesOf, recordToJson } from './records.ts';
import { method } from './registry.ts';

export const GOV_ENUMS = {
  kind: namesOf(ProposalKind),
  status: namesOf(ProposalStatus),
  option: namesOf(VoteOption),
};

const toJson = (value: unknown): JsonValue => recordToJson(value, GOV_ENUMS);

/** Proposals a list answers with at most (newest first). */
export const PROPOSALS_PAGE = 100;

export function govMethods(chain: Chain) {
  const state = () => chain.state;
  /** A proposal with its deposits; null if there is none. */
  const proposalJson = (id: bigint) => {
    const p = id <= BigInt(Number.MAX_SAFE_INTEGER) ? readProposal(state(), Number(id)) : undefined;
    if (!p) return null;
    return toJson({ ...proposalView(state(), p), deposits: govViews.deposits(state(), [id]) });
  };
  return {
    open_govParams: method(z.tuple([]), () => toJson(govViews.params(state(), []))),
    open_getProposal: method(z.tuple([uint64]), ([id]) => proposalJson(id)),
    /** The newest proposals first, PROPOSALS_PAGE at most, starting below `before` if given. */
    open_getProposals: method(z.tuple([uint64.optional()]), ([before]) => {
      const last = BigInt(lastProposalId(state()));
      const from = before === undefined || before > last + 1n ? last : before - 1n;
      const out: JsonValue[] = [];
      for (let id = from; id >= 1n && out.length < PROPOSALS_PAGE; id--) out.push(proposalJson(id));
      return out;
    }),
    /** Every vote of a proposal (voter, option); null if there is no such proposal. */
    open_getVotes: method(z.tuple([uint64]), ([id]) =>
      proposalJson(id) === null ? null : toJson(govViews.votes(state(), [id])),
    ),
  };
}

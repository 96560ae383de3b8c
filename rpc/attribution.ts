// open_ methods for the attribution module: its records as plain JSON, for clients that do not
// want to ABI-decode eth_call results. Answers come from the module's own view functions on the
// latest state, so both routes always agree. Quantities are hex as elsewhere in the API; enums
// carry their names.
import { z } from 'zod';
import type { Chain } from '../state/chain.ts';
import {
  BondStatus,
  FlagReason,
  Policy,
  Role,
  readAttested,
  Status,
} from '../state/modules/attribution/index.ts';
import { views } from '../state/modules/attribution/views.ts';
import type { JsonValue } from './jsonrpc.ts';
import { address, uint64 } from './params.ts';
import { namesOf, recordToJson } from './records.ts';
import { method } from './registry.ts';

export const ATTRIBUTION_ENUMS: Record<string, Record<number, string>> = {
  policy: namesOf(Policy),
  status: namesOf(Status),
  bondStatus: namesOf(BondStatus),
  flagReason: namesOf(FlagReason),
  role: namesOf(Role),
};

const toJson = (value: unknown): JsonValue => recordToJson(value, ATTRIBUTION_ENUMS);

const earningsOf = z.union([
  z.object({ contributor: address }).strict(),
  z.object({ contribution: uint64 }).strict(),
  z.object({ datanet: uint64 }).strict(),
]);

export function attributionMethods(chain: Chain) {
  const state = () => chain.state;
  return {
    open_attributionParams: method(z.tuple([]), () => toJson(views.params(state(), []))),
    open_attributionCounts: method(z.tuple([]), () => {
      const [datanets, contributions, models, inferences] = views.counts(state(), []);
      return toJson({ datanets, contributions, models, inferences });
    }),
    open_getDatanet: method(z.tuple([uint64]), ([id]) => toJson(views.getDatanet(state(), [id]))),
    open_getContribution: method(z.tuple([uint64]), ([id]) => toJson(views.getContribution(state(), [id]))),
    open_getModel: method(z.tuple([uint64]), ([id]) => toJson(views.getModel(state(), [id]))),
    // The record with its escrow: the pool, the window, the canonical attribution and, once
    // settled, what settlement paid; an attested record (one id space) with its attested part.
    open_getInference: method(z.tuple([uint64]), ([id]) => {
      const inference = views.getInference(state(), [id]);
      if (readAttested(state(), id)) {
        const { id: _, ...attested } = views.getAttestedInference(state(), [id]);
        return toJson({ ...inference, attested });
      }
      const { inferenceId: _, ...escrow } = views.getEscrow(state(), [id]);
      return toJson({ ...inference, escrow });
    }),
    open_getEarnings: method(z.tuple([earningsOf]), ([of]) => {
      if ('contributor' in of) return toJson(views.contributorEarnings(state(), [of.contributor]));
      if ('contribution' in of) return toJson(views.contributionEarnings(state(), [of.contribution]));
      return toJson(views.datanetEarnings(state(), [of.datanet]));
    }),
    // An attested record (docs/attribution.md, "Attested scores"): candidates, claimed and consensus
    // scores, its window, escrow and, once settled, its payouts.
    open_getAttestedInference: method(z.tuple([uint64]), ([id]) =>
      toJson(views.getAttestedInference(state(), [id])),
    ),
    // Each validator of the record's snapshot: power, commit and reveal, scores, clipped scores, reward.
    open_getAttestations: method(z.tuple([uint64]), ([id]) => toJson(views.getAttestations(state(), [id]))),
    // Everything an address was paid by the module, per role (the struct of earningsOf).
    open_getEarningsByRole: method(z.tuple([address]), ([recipient]) =>
      toJson(views.earningsOf(state(), [recipient])),
    ),
  };
}

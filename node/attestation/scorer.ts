// The scorer interface of the attestor: for one attested inference record, one integer score in
// [0, MAX_SCORE] per candidate contribution, or an abstention with its reason. Whatever scores
// (the built-in n-gram scorer, an operator's command or HTTP endpoint) is a Backend; `scorer()`
// wraps it so that the caller never sees a throw, a wrong count or an out-of-range value: a
// validator whose scorer fails abstains for that record and consensus goes on without it.
import type { Logger } from 'pino';

/** Scores are integers in [0, MAX_SCORE] (the chain's uint16 attestation scores, in basis points). */
export const MAX_SCORE = 10_000;

export interface Candidate {
  readonly contributionId: bigint;
  /** The contribution's verified content (content.ts), or null when it could not be had. */
  readonly content: Uint8Array | null;
}

export interface ScoreRequest {
  readonly inferenceId: bigint;
  readonly output: Uint8Array;
  readonly candidates: readonly Candidate[];
}

export type ScoreResult =
  | {
      readonly kind: 'scored';
      /** One per candidate, in the request's order. */
      readonly scores: readonly number[];
      /** Candidates scored 0 because their content was unavailable. */
      readonly unavailable: readonly bigint[];
    }
  | { readonly kind: 'abstained'; readonly reason: string };

export interface Scorer {
  score(request: ScoreRequest): Promise<ScoreResult>;
}

/** The candidates a backend sees: only those with content, in the request's order. */
export interface BackendRequest {
  readonly inferenceId: bigint;
  readonly output: Uint8Array;
  readonly candidates: readonly { readonly contributionId: bigint; readonly content: Uint8Array }[];
}

/** Scores each candidate of the request, in order; throws (any error) to abstain. */
export type Backend = (request: BackendRequest) => Promise<readonly unknown[]> | readonly unknown[];

/** Thrown by a backend to abstain with a reason (any other throw abstains too, with its message). */
export class Abstain extends Error {}

/** Why `scores` is not a valid answer for `count` candidates, or null if it is. */
function invalidScores(scores: readonly unknown[], count: number): string | null {
  if (scores.length !== count) return `${scores.length} scores for ${count} candidates`;
  const bad = scores.findIndex((s) => !Number.isInteger(s) || (s as number) < 0 || (s as number) > MAX_SCORE);
  if (bad >= 0)
    return `score ${JSON.stringify(scores[bad])} of candidate ${bad} is not an integer in [0, ${MAX_SCORE}]`;
  return null;
}

/**
 * A Scorer over `backend`. Unavailable candidates score 0 without reaching the backend (and are
 * listed in the result); if none is available the backend is not called. Abstentions are logged.
 */
export function scorer(name: string, backend: Backend, log: Logger): Scorer {
  const abstain = (request: ScoreRequest, reason: string): ScoreResult => {
    log.warn({ inferenceId: request.inferenceId.toString(), scorer: name, reason }, 'scorer abstained');
    return { kind: 'abstained', reason: `${name}: ${reason}` };
  };
  return {
    async score(request) {
      const available = request.candidates.flatMap((c) =>
        c.content === null ? [] : [{ contributionId: c.contributionId, content: c.content }],
      );
      const unavailable = request.candidates.flatMap((c) => (c.content === null ? [c.contributionId] : []));
      let scores: readonly unknown[] = [];
      if (available.length > 0) {
        try {
          scores = await backend({
            inferenceId: request.inferenceId,
            output: request.output,
            candidates: available,
          });
        } catch (err) {
          return abstain(request, (err as Error).message ?? String(err));
        }
        if (!Array.isArray(scores)) return abstain(request, 'the scores are not an array');
        const invalid = invalidScores(scores, available.length);
        if (invalid) return abstain(request, invalid);
      }
      let next = 0;
      return {
        kind: 'scored',
        scores: request.candidates.map((c) => (c.content === null ? 0 : (scores[next++] as number))),
        unavailable,
      };
    },
  };
}

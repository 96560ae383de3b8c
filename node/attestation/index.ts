// The parts of a validator's attestor built from config (the loop that uses them, watching attested
// records -> load content -> score -> commit -> reveal -> settle, is attestor.ts; start.ts builds
// it for node.ts). From the `attestation` config:
// the Scorer (scorer.ts: the built-in n-gram overlap, a command or an HTTP endpoint, each failure
// an abstention, never a throw), the ContentLoader (content.ts: a candidate's bytes from a mirror
// or its URI, accepted only under the registered chunk root) and the signer that pays for the
// attestations (account.ts). docs/attribution.md, "Attested scores: the attestor".
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { commandBackend } from './command.ts';
import type { AttestationConfig } from './config.ts';
import { ContentLoader } from './content.ts';
import { httpBackend } from './http.ts';
import { Mirror } from './mirror.ts';
import { ngramScores } from './ngram.ts';
import { type Scorer, scorer } from './scorer.ts';

export { attestorSigner } from './account.ts';
export type { ContributionRef, Loaded } from './content.ts';
export { ContentLoader } from './content.ts';
export type { Candidate, ScoreRequest, ScoreResult, Scorer } from './scorer.ts';
export { MAX_SCORE } from './scorer.ts';

/** The configured scorer; a command runs in the node home. */
export function scorerFromConfig(config: AttestationConfig, home: string, log: Logger): Scorer {
  const s = config.scorer;
  if ('command' in s) return scorer('command', commandBackend(s.command, config.scorerTimeoutMs, home), log);
  if ('url' in s) return scorer('http', httpBackend(s.url, config.scorerTimeoutMs), log);
  return scorer(
    'ngram',
    (r) =>
      ngramScores(
        r.output,
        r.candidates.map((c) => c.content),
      ),
    log,
  );
}

/** The content loader over the configured mirrors (relative directories are in the node home). */
export function contentLoaderFromConfig(config: AttestationConfig, home: string): ContentLoader {
  return new ContentLoader({
    mirrors: new Map(
      Object.entries(config.mirrors).map(([key, dir]) => [
        key,
        new Mirror(resolve(home, dir), `attestation.mirrors.${key}`),
      ]),
    ),
    uriSchemes: config.uriSchemes,
    timeoutMs: config.contentTimeoutMs,
    maxContentBytes: config.maxContentBytes,
    cacheBytes: config.contentCacheBytes,
  });
}

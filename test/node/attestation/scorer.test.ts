import { describe, expect, it } from 'vitest';
import { Abstain, type BackendRequest, scorer } from '../../../node/attestation/scorer.ts';
import { captureLog, request } from './helpers.ts';

describe('scorer()', () => {
  it('gives the backend only the available candidates and scores the others 0, listing them', async () => {
    const seen: BackendRequest[] = [];
    const { log } = captureLog();
    const s = scorer(
      'test',
      (r) => {
        seen.push(r);
        return r.candidates.map((c) => c.content.length);
      },
      log,
    );
    expect(await s.score(request)).toEqual({
      kind: 'scored',
      scores: [9, 0, 53],
      unavailable: [18446744073709551615n],
    });
    expect(seen.map((r) => r.candidates.map((c) => c.contributionId))).toEqual([[3n, 5n]]);
  });

  it('does not call the backend when no content is available', async () => {
    const { log } = captureLog();
    const s = scorer(
      'test',
      () => {
        throw new Error('called');
      },
      log,
    );
    const none = { ...request, candidates: request.candidates.map((c) => ({ ...c, content: null })) };
    expect(await s.score(none)).toEqual({
      kind: 'scored',
      scores: [0, 0, 0],
      unavailable: [3n, 18446744073709551615n, 5n],
    });
  });

  it.each([
    ['a throw', () => Promise.reject(new Abstain('no GPU')), /^no GPU$/],
    ['a plain error', () => Promise.reject(new TypeError('x is undefined')), /^x is undefined$/],
    ['too few scores', () => [1], /^1 scores for 2 candidates/],
    ['too many scores', () => [1, 2, 3], /^3 scores for 2 candidates/],
    [
      'a score above 10000',
      () => [10_001, 0],
      /score 10001 of candidate 0 is not an integer in \[0, 10000\]/,
    ],
    ['a negative score', () => [0, -1], /score -1 of candidate 1/],
    ['a fraction', () => [0.5, 1], /score 0.5 of candidate 0/],
    ['a string', () => ['7', 1], /score "7" of candidate 0/],
    ['not an array', () => 'nope' as unknown as unknown[], /not an array/],
  ])('abstains on %s, logging the reason, without throwing', async (_, backend, reason) => {
    const { log, lines } = captureLog();
    const result = await scorer('test', backend, log).score(request);
    expect(result.kind).toBe('abstained');
    expect(result.kind === 'abstained' && result.reason.slice(0, 6)).toBe('test: ');
    expect(result.kind === 'abstained' && result.reason.slice(6)).toMatch(reason);
    expect(lines).toMatchObject([{ level: 40, msg: 'scorer abstained', inferenceId: '12', scorer: 'test' }]);
    expect(lines[0]!['reason']).toMatch(reason);
  });
});

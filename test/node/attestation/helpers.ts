// Shared by the attestor tests: a logger whose lines the test reads, and a request of three
// candidates, one of them unavailable.
import { type Logger, pino } from 'pino';
import type { ScoreRequest } from '../../../node/attestation/scorer.ts';

export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

const text = (s: string) => new TextEncoder().encode(s);

export const request: ScoreRequest = {
  inferenceId: 12n,
  output: text('the cat sat on the mat'),
  candidates: [
    { contributionId: 3n, content: text('a cat sat') },
    { contributionId: 18446744073709551615n, content: null },
    { contributionId: 5n, content: text('the cat sat on the mat, twice: the cat sat on the mat') },
  ],
};

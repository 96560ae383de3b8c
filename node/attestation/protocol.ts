// What an external scorer (command.ts on stdin, http.ts as a POST body) receives and answers, as
// JSON (docs/attribution.md, "Attested scores: the attestor"):
//   request  { "version": 1, "inferenceId": "12", "output": "<base64>",
//              "candidates": [ { "contributionId": "3", "content": "<base64>" }, … ] }
//   reply    { "scores": [ 7500, 0, … ] }      one integer in [0, 10000] per candidate, in order
//         or { "abstain": "why" }
// Ids are decimal strings (they are uint64s); bytes are standard base64. Only candidates whose
// content was verified are sent; the others score 0 without the scorer.
import { Abstain, type BackendRequest } from './scorer.ts';

export const PROTOCOL_VERSION = 1;

/** Largest reply read from a scorer: a score is at most 6 bytes of JSON, so this leaves ample room. */
export const MAX_REPLY_BYTES = 64 * 1024;

export function encodeRequest(request: BackendRequest): string {
  return JSON.stringify({
    version: PROTOCOL_VERSION,
    inferenceId: request.inferenceId.toString(),
    output: Buffer.from(request.output).toString('base64'),
    candidates: request.candidates.map((c) => ({
      contributionId: c.contributionId.toString(),
      content: Buffer.from(c.content).toString('base64'),
    })),
  });
}

/** The scores of a reply (checked for count and range by scorer.ts); throws Abstain otherwise. */
export function parseReply(bytes: Uint8Array): unknown[] {
  let reply: unknown;
  try {
    reply = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Abstain(`the reply is not JSON: ${JSON.stringify(printable(bytes))}`);
  }
  if (reply !== null && typeof reply === 'object' && !Array.isArray(reply)) {
    const { scores, abstain } = reply as { scores?: unknown; abstain?: unknown };
    if (typeof abstain === 'string') throw new Abstain(`the scorer abstained: ${printable(abstain)}`);
    if (Array.isArray(scores)) return scores;
  }
  throw new Abstain(
    `the reply is neither {"scores": [...]} nor {"abstain": "..."}: ${printable(JSON.stringify(reply))}`,
  );
}

/** The first 200 characters of what a scorer said, for a log line. */
export function printable(text: Uint8Array | string): string {
  const s = typeof text === 'string' ? text : new TextDecoder().decode(text.subarray(0, 800));
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

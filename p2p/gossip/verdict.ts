// What a gossip validator concludes about a message, and how typed errors map onto it
// (Lodestar's gossip validation is the model): ACCEPT delivers and forwards; IGNORE drops without
// blame (duplicate, old height, not yet processable, we are busy); REJECT drops and counts against
// the peer that sent it (P4 in scoring.ts), so it is reserved for messages invalid for anyone.
import { OpenchainError } from '../../core/errors.ts';

export type VerdictResult = 'accept' | 'ignore' | 'reject';

export interface Verdict {
  readonly result: VerdictResult;
  readonly reason?: string;
}

export const ACCEPT: Verdict = { result: 'accept' };
export const ignore = (reason: string): Verdict => ({ result: 'ignore', reason });
export const reject = (reason: string): Verdict => ({ result: 'reject', reason });

/**
 * Codes that prove a message invalid whoever looks at it. A handler that throws an error with
 * one of these gets a REJECT; any other error is an IGNORE, because it may say more about our
 * own state (or a bug of ours) than about the sender. UNKNOWN_VALIDATOR is deliberately absent:
 * a vote from a validator that joins at a height we have not reached is valid.
 */
export const REJECT_CODES: ReadonlySet<string> = new Set([
  'DECODE',
  'TX_DECODE',
  'MALFORMED',
  'OVERSIZED',
  'INCONSISTENT',
  'BAD_SIGNATURE',
  'INVALID_SIGNATURE',
  'DUPLICATE_SIGNER',
  'INVALID_EVIDENCE',
  'INVALID_PROPOSAL',
]);

export function verdictFromError(err: unknown): Verdict {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof OpenchainError && REJECT_CODES.has(err.code)) return reject(`${err.code}: ${message}`);
  return ignore(err instanceof OpenchainError ? `${err.code}: ${message}` : message);
}

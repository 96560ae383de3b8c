// Reading a genesis file: JSON syntax errors and schema violations both become GenesisError with
// every problem listed as `path: reason`, so a coordinator can fix a file in one pass.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { OpenchainError } from '../core/errors.ts';
import { type Genesis, genesisDraftSchema, genesisSchema } from './schema.ts';

export class GenesisError extends OpenchainError<'INVALID_GENESIS'> {
  readonly problems: readonly string[];
  constructor(source: string, problems: string[]) {
    super('INVALID_GENESIS', `invalid genesis (${source}):\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = 'genesis';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** A draft (genesisDraftSchema) may have no validator yet; everything else is checked alike. */
export interface ParseOptions {
  readonly draft?: boolean;
}

export function parseGenesis(json: unknown, source = 'genesis', opts: ParseOptions = {}): Genesis {
  const result = (opts.draft ? genesisDraftSchema : genesisSchema).safeParse(json);
  if (!result.success) throw new GenesisError(source, result.error.issues.map(describe));
  return result.data;
}

export function parseGenesisText(text: string, source = 'genesis', opts: ParseOptions = {}): Genesis {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new GenesisError(source, [`not valid JSON: ${(err as Error).message}`]);
  }
  return parseGenesis(json, source, opts);
}

export function loadGenesisFile(path: string, opts: ParseOptions = {}): Genesis {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GenesisError(path, [`cannot read file: ${(err as Error).message}`]);
  }
  return parseGenesisText(text, path, opts);
}

/** The JSON form of a parsed genesis (bigints back to decimal strings), as `init` writes it. */
export function genesisToJson(g: Genesis): unknown {
  return JSON.parse(JSON.stringify(g, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

// The `attestation` section of the node config (node/config.ts nests this schema): how this
// validator's attestor scores attested inference records, where it finds the candidates' content
// and which account pays for its transactions. docs/attribution.md, "Attested scores: the attestor".
import { z } from 'zod';
import { isHex } from '../../core/bytes.ts';

const MiB = 1024 * 1024;

const scorerSchema = z.union(
  [
    z.strictObject({ builtin: z.literal('ngram') }),
    z.strictObject({ command: z.array(z.string().min(1)).min(1, 'expected at least the program to run') }),
    z.strictObject({ url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }) }),
  ],
  {
    error:
      'expected one of { "builtin": "ngram" }, { "command": ["program", "arg", ...] }, { "url": "http://..." }',
  },
);

/** Keys are Datanet ids (decimal, without leading zeros) or "*" for every Datanet. */
const mirrorsSchema = z.record(z.string(), z.string().min(1)).superRefine((mirrors, ctx) => {
  for (const key of Object.keys(mirrors))
    if (!/^(\*|[1-9][0-9]{0,19})$/.test(key))
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'mirror keys are Datanet ids (e.g. "3") or "*" for every Datanet',
      });
});

const hexKey = z
  .string()
  .refine((s) => isHex(s) && s.length === 66, 'expected a 32-byte private key as 0x-prefixed hex');

export const attestationConfigSchema = z.strictObject({
  /** Built-in n-gram overlap by default; or { command: [...] }, or { url }. */
  scorer: scorerSchema.default({ builtin: 'ngram' }),
  scorerTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  /** Directories of contribution files, by Datanet id or "*"; relative to the node home. */
  mirrors: mirrorsSchema.default({}),
  /**
   * The URI schemes a candidate's registered URI may be fetched with when no mirror has it. URIs are
   * chosen by contributors, so `file:` reads local paths and `http(s):` reaches any address this
   * host can (internal ones included); [] turns URI fetching off and leaves the mirrors only.
   */
  uriSchemes: z
    .array(z.enum(['file', 'http', 'https']))
    .refine((s) => new Set(s).size === s.length, 'each scheme at most once')
    .default(['file', 'http', 'https']),
  /** Bound on fetching one contribution URI. */
  contentTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  maxContentBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 * MiB)
    .default(64 * MiB),
  contentCacheBytes: z
    .number()
    .int()
    .min(0)
    .max(4096 * MiB)
    .default(64 * MiB),
  /** The secp256k1 account that signs and pays for commit and reveal transactions. */
  account: z
    .union([z.strictObject({ privateKey: hexKey }), z.strictObject({ privateKeyFile: z.string().min(1) })], {
      error: 'expected { "privateKey": "0x..." } or { "privateKeyFile": "path" }',
    })
    .optional(),
});

export type AttestationConfig = z.output<typeof attestationConfigSchema>;

// The attestor's commitments kept on disk (data/attestations/<inference id>.json): the scores and
// the salt a commit hides must survive a restart between the commit and the reveal, or the
// validator could not open its own commitment and would miss the record. One small file per record,
// written before the commit is sent and deleted once the record is settled.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type Hex, isHex } from '../../core/bytes.ts';

export interface Secret {
  readonly inferenceId: bigint;
  readonly scores: readonly number[];
  readonly salt: Hex;
}

const fileSchema = z.strictObject({
  inferenceId: z.string().regex(/^[0-9]{1,20}$/),
  scores: z.array(z.number().int().min(0).max(0xffff)),
  salt: z.string().refine((s) => isHex(s) && s.length === 66, 'expected 32 bytes of hex'),
});

export class SecretStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  #path(id: bigint): string {
    return join(this.dir, `${id}.json`);
  }

  /** Written to a temporary name and renamed, so a crash never leaves half a file. */
  save(secret: Secret): void {
    const path = this.#path(secret.inferenceId);
    const json = { inferenceId: secret.inferenceId.toString(), scores: secret.scores, salt: secret.salt };
    writeFileSync(`${path}.tmp`, `${JSON.stringify(json)}\n`, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  }

  delete(id: bigint): void {
    rmSync(this.#path(id), { force: true });
  }

  /** Every stored secret; a file that does not parse is reported through `bad` and skipped. */
  loadAll(bad: (file: string, reason: string) => void): Secret[] {
    const secrets: Secret[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith('.json')) continue;
      try {
        const parsed = fileSchema.parse(JSON.parse(readFileSync(join(this.dir, file), 'utf8')));
        secrets.push({
          inferenceId: BigInt(parsed.inferenceId),
          scores: parsed.scores,
          salt: parsed.salt as Hex,
        });
      } catch (err) {
        bad(file, (err as Error).message);
      }
    }
    return secrets;
  }
}

// A local mirror of contribution files (`attestation.mirrors`): a directory in any layout, matched
// to contributions by chunk root, as `openchain attribute --data DIR` matches its files
// (node/dataDir.ts, prover chunkFile). Only files of the registered size are hashed, and each
// file's root is remembered until its size or modification time changes, so a lookup costs one
// directory walk of stat calls once the mirror has been hashed.
import { readFileSync, statSync } from 'node:fs';
import type { Hex } from '../../core/bytes.ts';
import { chunkFile } from '../../prover/index.ts';
import { filesUnder } from '../dataDir.ts';

interface Hashed {
  readonly size: number;
  readonly mtimeMs: number;
  /** Chunk root by chunk size. */
  readonly roots: Map<number, Hex>;
}

export class Mirror {
  readonly dir: string;
  readonly #setting: string;
  readonly #hashed = new Map<string, Hashed>();

  /** `setting` names the directory in errors (e.g. attestation.mirrors.3). */
  constructor(dir: string, setting: string) {
    this.dir = dir;
    this.#setting = setting;
  }

  /** The content of a file under the mirror whose chunk root is `root`, or null. Throws if `dir` is not a directory. */
  find(root: Hex, size: number, chunkSize: number): Uint8Array | null {
    const paths = filesUnder(this.dir, this.#setting);
    const live = new Set(paths);
    for (const path of this.#hashed.keys()) if (!live.has(path)) this.#hashed.delete(path);
    for (const path of paths) {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat || stat.size !== size) continue;
      let known = this.#hashed.get(path);
      if (!known || known.size !== stat.size || known.mtimeMs !== stat.mtimeMs) {
        known = { size: stat.size, mtimeMs: stat.mtimeMs, roots: new Map() };
        this.#hashed.set(path, known);
      }
      const cached = known.roots.get(chunkSize);
      if (cached !== undefined && cached !== root) continue;
      const content = new Uint8Array(readFileSync(path));
      // The bytes read are hashed again: the file may have changed since it was stat'ed.
      const actual = content.length === size ? chunkFile(content, chunkSize).chunkRoot : undefined;
      if (actual === undefined) continue;
      known.roots.set(chunkSize, actual);
      if (actual === root) return content;
    }
    return null;
  }
}

// A local mirror of contribution files (`attestation.mirrors`): a directory in any layout, matched
// to contributions by chunk root, as `openchain attribute --data DIR` matches its files
// (node/dataDir.ts, prover chunkFile). Only files of the registered size are hashed, and each
// file's root is remembered until its size or modification time changes, so a lookup costs one
// directory walk of stat calls once the mirror has been hashed.
import { readFile, stat } from 'node:fs/promises';
import type { Hex } from '../../core/bytes.ts';
import { chunkFile } from '../../prover/index.ts';
import { filesUnder } from '../dataDir.ts';

/** Well above the coarsest file timestamp granularity in use (ext4, tmpfs: one jiffy; FAT: 2 s). */
const RACY_MS = 3000;

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

  /** The content of a file under the mirror whose chunk root is `root`, or null. Rejects if `dir` is not a directory. */
  async find(root: Hex, size: number, chunkSize: number): Promise<Uint8Array | null> {
    const paths = filesUnder(this.dir, this.#setting);
    const live = new Set(paths);
    for (const path of this.#hashed.keys()) if (!live.has(path)) this.#hashed.delete(path);
    for (const path of paths) {
      const info = await stat(path).catch(() => undefined); // removed since the walk: skip it
      if (!info || info.size !== size) continue;
      let known = this.#hashed.get(path);
      if (!known || known.size !== info.size || known.mtimeMs !== info.mtimeMs) {
        known = { size: info.size, mtimeMs: info.mtimeMs, roots: new Map() };
        this.#hashed.set(path, known);
      }
      const cached = known.roots.get(chunkSize);
      if (cached !== undefined && cached !== root) continue;
      const read = await readFile(path).catch(() => null); // removed or unreadable since the walk
      if (read === null || read.length !== size) continue;
      // The bytes read are what is hashed and returned: the file may have changed since its stat.
      const content = new Uint8Array(read);
      const actual = chunkFile(content, chunkSize).chunkRoot;
      // A file modified just before it was read may change again within the same mtime tick
      // (timestamps are coarse), so its root is remembered only once it is older than that ("racy
      // git"): otherwise a same-size rewrite could be skipped as still holding the old root.
      if (Date.now() - info.mtimeMs > RACY_MS) known.roots.set(chunkSize, actual);
      if (actual === root) return content;
    }
    return null;
  }
}

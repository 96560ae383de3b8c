// The prover's index over the contribution files it holds: their concatenation in ascending
// contribution id order, a suffix array over it in which the end of each file sorts below every
// byte (so no match ever runs from one contribution into the next), and each file's chunk tree.
import { ChunkTree } from '../core/chunkTree.ts';
import { suffixArray } from './suffixArray.ts';

export interface ContributionFile {
  /** The contribution's on-chain id. */
  readonly id: bigint;
  readonly content: Uint8Array;
  /** The chunk size the contribution was registered with (getContribution(id).chunkSize). */
  readonly chunkSize: number;
}

export interface Occurrence {
  readonly file: ContributionFile;
  readonly offset: number;
}

export class CorpusIndex {
  readonly files: readonly ContributionFile[];
  /** Every file followed by one separator byte (its value is never read). */
  readonly text: Uint8Array;
  readonly suffixes: Int32Array;
  /** Start of each file in `text`; a file ends where the next one's separator is. */
  readonly starts: Float64Array;
  /** Each file's chunk tree, for its proofs. */
  readonly #trees: Map<ContributionFile, ChunkTree>;

  constructor(
    files: readonly ContributionFile[],
    text: Uint8Array,
    suffixes: Int32Array,
    starts: Float64Array,
  ) {
    this.files = files;
    this.text = text;
    this.suffixes = suffixes;
    this.starts = starts;
    this.#trees = new Map(files.map((f) => [f, new ChunkTree(f.content, f.chunkSize)]));
  }

  /** Index of the file holding text position `position`. */
  fileAt(position: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Position of the separator after the file holding `position`. */
  endOf(position: number): number {
    const f = this.fileAt(position);
    return this.starts[f]! + this.files[f]!.content.length;
  }

  locate(position: number): Occurrence {
    const f = this.fileAt(position);
    return { file: this.files[f]!, offset: position - this.starts[f]! };
  }

  tree(file: ContributionFile): ChunkTree {
    const tree = this.#trees.get(file);
    if (!tree) throw new RangeError(`contribution ${file.id} is not in this index`);
    return tree;
  }
}

/** Indexes the files (any order in, ascending id inside; ids must be distinct, files non-empty). */
export function buildIndex(files: readonly ContributionFile[]): CorpusIndex {
  const sorted = [...files].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  sorted.forEach((f, i) => {
    if (f.content.length === 0) throw new RangeError(`contribution ${f.id} is empty`);
    if (i > 0 && sorted[i - 1]!.id === f.id) throw new RangeError(`contribution ${f.id} is given twice`);
  });
  const length = sorted.reduce((sum, f) => sum + f.content.length + 1, 0);
  const text = new Uint8Array(length);
  // Symbols for the suffix array: byte + 1, and 0 for the separator after each file.
  const symbols = new Uint16Array(length);
  const starts = new Float64Array(sorted.length);
  let at = 0;
  sorted.forEach((f, i) => {
    starts[i] = at;
    text.set(f.content, at);
    for (let j = 0; j < f.content.length; j++) symbols[at + j] = f.content[j]! + 1;
    at += f.content.length + 1;
  });
  return new CorpusIndex(sorted, text, suffixArray(symbols, 257), starts);
}

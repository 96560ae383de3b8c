// Span proofs as the chain checks them (IAttribution.Span): the chunks a match lies in, each with
// its Merkle path, and where the match starts in the first chunk. A match that crosses chunk
// boundaries carries every chunk it touches, so the whole match is one span (the minimum span
// length applies to the whole match, not to its pieces).
import type { CorpusIndex } from './corpus.ts';
import type { FoundSpan } from './spans.ts';

export interface SpanProof {
  readonly contributionId: bigint;
  readonly outputStart: number;
  readonly length: number;
  readonly chunkIndex: bigint;
  readonly chunkOffset: number;
  readonly chunks: readonly Uint8Array[];
  readonly paths: readonly (readonly Uint8Array[])[];
}

export function proveSpan(index: CorpusIndex, span: FoundSpan): SpanProof {
  const { file, offset, length } = span;
  const size = file.chunkSize;
  const first = Math.floor(offset / size);
  const last = Math.floor((offset + length - 1) / size);
  const tree = index.tree(file);
  const chunks: Uint8Array[] = [];
  const paths: Uint8Array[][] = [];
  for (let c = first; c <= last; c++) {
    chunks.push(file.content.subarray(c * size, (c + 1) * size));
    paths.push(tree.path(c));
  }
  return {
    contributionId: file.id,
    outputStart: span.outputStart,
    length,
    chunkIndex: BigInt(first),
    chunkOffset: offset - first * size,
    chunks,
    paths,
  };
}

// The off-chain prover (docs/attribution.md, "Prover"): index the contribution files you hold,
// find the output spans that occur in them verbatim, prove each against its contribution's
// registered chunk root, and produce the recordInference calldata. Deterministic: the same files
// and output always give the same calldata.
//
//   const index = buildIndex(files);                       // once per set of files
//   const result = attribute(index, { modelId, output, minSpanLength, maxSpans });
//   // send result.calldata to ATTRIBUTION_ADDRESS with value = modelFee(modelId, output.length)
import type { Hex } from '../core/bytes.ts';
import { inferenceCalldata } from './calldata.ts';
import type { CorpusIndex } from './corpus.ts';
import { proveSpan, type SpanProof } from './proofs.ts';
import { type FoundSpan, findSpans } from './spans.ts';

export { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
export { contributionCommitment, possessionIndices } from '../state/modules/attribution/possession.ts';
export {
  type ChunkedFile,
  type ContributionCall,
  type ContributionCommit,
  chunkFile,
  commitCalldata,
  inferenceCalldata,
  revealCalldata,
} from './calldata.ts';
export { buildIndex, type ContributionFile, CorpusIndex, type Occurrence } from './corpus.ts';
export { proveSpan, type SpanProof } from './proofs.ts';
export { type FindSpansOptions, type FoundSpan, findSpans } from './spans.ts';

export interface AttributeRequest {
  readonly modelId: bigint;
  readonly output: Uint8Array;
  /** The chain's params().minSpanLength. */
  readonly minSpanLength: number;
  /** The chain's params().maxSpansPerRecord. */
  readonly maxSpans: number;
}

export interface Attribution {
  readonly spans: readonly FoundSpan[];
  readonly proofs: readonly SpanProof[];
  readonly attributedBytes: number;
  readonly calldata: Hex;
}

export function attribute(index: CorpusIndex, req: AttributeRequest): Attribution {
  const spans = findSpans(index, req.output, req.minSpanLength, { maxSpans: req.maxSpans });
  const proofs = spans.map((s) => proveSpan(index, s));
  return {
    spans,
    proofs,
    attributedBytes: spans.reduce((sum, s) => sum + s.attributedBytes, 0),
    calldata: inferenceCalldata(req.modelId, req.output, proofs),
  };
}

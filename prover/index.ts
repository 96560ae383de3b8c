// The off-chain prover (docs/attribution.md, "Prover"): index the contribution files you hold,
// find the output spans that occur in them verbatim, each byte cited from its earliest-registered
// source (the canonical attribution, canonical.ts), prove each against its contribution's
// registered chunk root, and produce the recordInference calldata, or the challengeInference
// calldata that improves a recorded attribution. Deterministic: the same files and output always
// give the same calldata.
//
//   const index = buildIndex(files);                       // once per set of files
//   const result = attribute(index, { modelId, output, minSpanLength, maxSpans });
//   // send result.calldata to ATTRIBUTION_ADDRESS with value = modelFee(modelId, output.length)
import type { Hex } from '../core/bytes.ts';
import type { Segment } from '../state/modules/attribution/canonical.ts';
import { challengeCalldata, inferenceCalldata } from './calldata.ts';
import { canonicalSpans, improvingSpans } from './canonical.ts';
import type { CorpusIndex } from './corpus.ts';
import { proveSpan, type SpanProof } from './proofs.ts';
import type { FoundSpan } from './spans.ts';

export { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
export { contributionCommitment, possessionIndices } from '../state/modules/attribution/possession.ts';
export {
  type ChunkedFile,
  type ContributionCall,
  type ContributionCommit,
  challengeCalldata,
  chunkFile,
  commitCalldata,
  inferenceCalldata,
  revealCalldata,
} from './calldata.ts';
export { canonicalSpans, improvingSpans } from './canonical.ts';
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
  const spans = canonicalSpans(index, req.output, req.minSpanLength, req.maxSpans);
  const proofs = spans.map((s) => proveSpan(index, s));
  return {
    spans,
    proofs,
    attributedBytes: spans.reduce((sum, s) => sum + s.attributedBytes, 0),
    calldata: inferenceCalldata(req.modelId, req.output, proofs),
  };
}

export interface ChallengeRequest {
  readonly inferenceId: bigint;
  /** The recorded output (its sha256 is the record's outputHash). */
  readonly output: Uint8Array;
  /** The record's current canonical attribution (getEscrow(inferenceId).segments). */
  readonly recorded: readonly Segment[];
  readonly minSpanLength: number;
  readonly maxSpans: number;
}

/** The challenge that improves the recorded attribution, or null if the prover finds nothing better. */
export function challenge(index: CorpusIndex, req: ChallengeRequest): Attribution | null {
  const better = canonicalSpans(index, req.output, req.minSpanLength);
  const spans = improvingSpans(req.recorded, better, req.maxSpans);
  if (spans.length === 0) return null;
  const proofs = spans.map((s) => proveSpan(index, s));
  return {
    spans,
    proofs,
    attributedBytes: spans.reduce((sum, s) => sum + s.attributedBytes, 0),
    calldata: challengeCalldata(req.inferenceId, req.output, proofs),
  };
}

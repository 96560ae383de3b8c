// Span proofs: what every validator re-checks for each span of an inference record, and how output
// bytes are attributed when spans overlap. docs/attribution.md, "Span proofs", states the rules.
import type { Address } from '../../../core/address.ts';
import { equalBytes } from '../../../core/bytes.ts';
import { chunkCount, chunkLength } from '../../../core/chunkTree.ts';
import type { StateReader } from '../../stateDb.ts';
import type { CallContext } from '../module.ts';
import { AttributionError, type AttributionErrorCode } from './errors.ts';
import { GAS } from './gas.ts';
import type { AttributionParams } from './params.ts';
import type { ProofCache } from './proofCache.ts';
import { type Contribution, type SpanRecord, STATUS_NAMES, Status } from './records.ts';
import { readContribution } from './store.ts';

/** A span as the calldata carries it (IAttribution.Span). */
export interface SpanProof {
  readonly contributionId: bigint;
  readonly outputStart: bigint;
  readonly length: bigint;
  readonly chunkIndex: bigint;
  readonly chunkOffset: bigint;
  readonly chunks: readonly Uint8Array[];
  readonly paths: readonly (readonly Uint8Array[])[];
}

export interface VerifiedSpan extends SpanRecord {
  readonly datanetId: bigint;
  readonly contributor: Address;
}

/**
 * Charges the work span proofs over an output make every validator do (before any hashing, so a
 * call too large for its gas limit fails before the work), then refuses an output or span list
 * over its cap. Records and challenges alike.
 */
export function chargeProofWork(
  ctx: CallContext,
  params: AttributionParams,
  output: Uint8Array,
  spans: readonly SpanProof[],
): void {
  ctx.useGas(
    GAS.span * BigInt(spans.length) +
      GAS.proofByte * BigInt(proofBytes(spans)) +
      GAS.outputByte * BigInt(output.length),
  );
  if (output.length > params.maxOutputBytes) {
    throw new AttributionError(
      'OUTPUT_TOO_LARGE',
      `output is ${output.length} bytes, limit ${params.maxOutputBytes}`,
    );
  }
  if (spans.length > params.maxSpansPerRecord) {
    throw new AttributionError('TOO_MANY_SPANS', `${spans.length} spans, limit ${params.maxSpansPerRecord}`);
  }
}

/** Bytes of proof (chunk data and path hashes) in the spans, for gas. */
export function proofBytes(spans: readonly SpanProof[]): number {
  let bytes = 0;
  for (const span of spans) {
    for (const chunk of span.chunks) bytes += chunk.length;
    for (const path of span.paths) bytes += path.length * 32;
  }
  return bytes;
}

/**
 * Checks every span against the registered contributions and the output, and attributes each
 * output byte to the first span (in canonical order) that covers it. Throws AttributionError
 * naming the first span that fails. `datanets` are the Datanets the model's lineage was trained on.
 */
export function verifySpans(
  state: StateReader,
  params: AttributionParams,
  output: Uint8Array,
  spans: readonly SpanProof[],
  datanets: ReadonlySet<bigint>,
  cache: ProofCache,
): VerifiedSpan[] {
  // The record's chunk paths are checked as one multiproof (ProofCache.record).
  return cache.record(() => verifyEach(state, params, output, spans, datanets, cache));
}

function verifyEach(
  state: StateReader,
  params: AttributionParams,
  output: Uint8Array,
  spans: readonly SpanProof[],
  datanets: ReadonlySet<bigint>,
  cache: ProofCache,
): VerifiedSpan[] {
  const contributions = new Map<bigint, Contribution>();
  let covered = 0;
  return spans.map((span, k) => {
    const fail = (code: AttributionErrorCode, why: string): never => {
      throw new AttributionError(code, `span ${k}: ${why}`);
    };
    const previous = spans[k - 1];
    if (previous && !inCanonicalOrder(previous, span)) {
      fail(
        'SPANS_NOT_CANONICAL',
        'spans must be ordered by outputStart ascending, then length descending, then contributionId ascending, without duplicates',
      );
    }
    const start = Number(span.outputStart);
    const length = Number(span.length);
    if (length < params.minSpanLength) {
      fail('SPAN_TOO_SHORT', `length ${length} is below the minimum span length ${params.minSpanLength}`);
    }
    if (start + length > output.length) {
      fail(
        'SPAN_OUT_OF_RANGE',
        `output range [${start}, ${start + length}) exceeds the ${output.length}-byte output`,
      );
    }

    const id = span.contributionId;
    let contribution = contributions.get(id);
    if (!contribution) {
      contribution =
        readContribution(state, id) ?? fail('UNKNOWN_CONTRIBUTION', `unknown contribution ${id}`);
      contributions.set(id, contribution);
    }
    if (contribution.status !== Status.accepted) {
      fail(
        'CONTRIBUTION_NOT_ACCEPTED',
        `contribution ${id} is ${STATUS_NAMES[contribution.status]}, not accepted`,
      );
    }
    if (!datanets.has(contribution.datanetId)) {
      fail(
        'DATANET_NOT_USED',
        `contribution ${id} belongs to datanet ${contribution.datanetId}, which the model does not use`,
      );
    }
    checkChunks(span, contribution, cache, fail);
    if (!matches(output, start, span.chunks, Number(span.chunkOffset), length)) {
      fail(
        'OUTPUT_MISMATCH',
        `output bytes [${start}, ${start + length}) differ from contribution ${id}'s bytes`,
      );
    }

    const attributedBytes = Math.max(0, start + length - Math.max(start, covered));
    covered = Math.max(covered, start + length);
    return {
      contributionId: id,
      outputStart: start,
      length,
      attributedBytes,
      datanetId: contribution.datanetId,
      contributor: contribution.contributor,
    };
  });
}

/**
 * The span's chunks are consecutive chunks of the contribution, each of the right size and with a
 * Merkle path to the registered root, and the span starts in the first and ends in the last.
 */
function checkChunks(
  span: SpanProof,
  contribution: Contribution,
  cache: ProofCache,
  fail: (code: AttributionErrorCode, why: string) => never,
): void {
  const { chunks, paths } = span;
  const id = span.contributionId;
  const leafCount = chunkCount(contribution.size, contribution.chunkSize);
  if (chunks.length === 0 || paths.length !== chunks.length) {
    fail(
      'BAD_CHUNK',
      `needs at least one chunk and one path per chunk (got ${chunks.length} chunks, ${paths.length} paths)`,
    );
  }
  if (span.chunkIndex + BigInt(chunks.length) > BigInt(leafCount)) {
    const last = span.chunkIndex + BigInt(chunks.length) - 1n;
    fail('BAD_CHUNK', `chunks ${span.chunkIndex}..${last} exceed contribution ${id}'s ${leafCount} chunks`);
  }
  const first = Number(span.chunkIndex);
  let total = 0;
  chunks.forEach((chunk, j) => {
    const expected = chunkLength(first + j, contribution.size, contribution.chunkSize);
    if (chunk.length !== expected)
      fail('BAD_CHUNK', `chunk ${first + j} has ${chunk.length} bytes, expected ${expected}`);
    total += chunk.length;
  });
  const offset = Number(span.chunkOffset);
  const end = offset + Number(span.length);
  if (offset >= chunks[0]!.length || end > total || end <= total - chunks[chunks.length - 1]!.length) {
    fail(
      'SPAN_OUT_OF_RANGE',
      `chunk range [${offset}, ${end}) must start in the first chunk and end in the last of the ${total} bytes carried`,
    );
  }
  chunks.forEach((chunk, j) => {
    if (!cache.verify(contribution.chunkRoot, first + j, leafCount, chunk, paths[j]!)) {
      fail(
        'INVALID_PROOF',
        `chunk ${first + j} and its Merkle path do not hash to contribution ${id}'s registered root`,
      );
    }
  });
}

/** Strictly increasing by (outputStart, -length, contributionId). */
function inCanonicalOrder(a: SpanProof, b: SpanProof): boolean {
  if (a.outputStart !== b.outputStart) return a.outputStart < b.outputStart;
  if (a.length !== b.length) return a.length > b.length;
  return a.contributionId < b.contributionId;
}

/** output[start, start + length) equals bytes [offset, offset + length) of the chunks laid end to end. */
function matches(
  output: Uint8Array,
  start: number,
  chunks: readonly Uint8Array[],
  offset: number,
  length: number,
): boolean {
  let out = start;
  let skip = offset;
  let left = length;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    const take = Math.min(chunk.length - skip, left);
    if (!equalBytes(output.subarray(out, out + take), chunk.subarray(skip, skip + take))) return false;
    out += take;
    left -= take;
    skip = 0;
    if (left === 0) break;
  }
  return left === 0;
}

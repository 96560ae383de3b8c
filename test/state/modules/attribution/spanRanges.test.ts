// verifySpans rule by rule, each with a span that passes every other rule, so the rule under test is
// the one that answers: where a span must start and end among the chunks it carries, the canonical
// order with its length and id tie-breaks, and how overlapping spans share output bytes. The
// contributions are real chunk trees written into a real state overlay; docs/attribution.md,
// "Span proofs", states the rules.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { ChunkTree, splitChunks } from '../../../../core/chunkTree.ts';
import { AttributionError } from '../../../../state/modules/attribution/errors.ts';
import { ProofCache } from '../../../../state/modules/attribution/proofCache.ts';
import { Status } from '../../../../state/modules/attribution/records.ts';
import { proofBytes, type SpanProof, verifySpans } from '../../../../state/modules/attribution/spans.ts';
import { writeContribution } from '../../../../state/modules/attribution/store.ts';
import { StateOverlay } from '../../../../state/stateDb.ts';
import { acceptedContribution } from './directCall.ts';
import { TEST_ATTRIBUTION_PARAMS } from './helpers.ts';

const params = TEST_ATTRIBUTION_PARAMS;
const CHUNK = params.chunkSize;
const BOB: Address = '0x00000000000000000000000000000000000000b0';
const CAROL: Address = '0x00000000000000000000000000000000000000c0';

const state = new StateOverlay({ get: () => undefined });
const bytes = (text: string) => new TextEncoder().encode(text);

interface Registered {
  readonly id: bigint;
  readonly content: Uint8Array;
  readonly tree: ChunkTree;
}

function register(
  id: bigint,
  text: string,
  opts: { contributor?: Address; datanetId?: bigint; status?: Status } = {},
): Registered {
  const content = bytes(text);
  const tree = new ChunkTree(content, CHUNK);
  writeContribution(
    state,
    id,
    acceptedContribution(opts.datanetId ?? 1n, opts.contributor ?? BOB, content, CHUNK, opts.status),
  );
  return { id, content, tree };
}

// 60 bytes: chunks 0..2 of 16 bytes and a last chunk 3 of 12.
const a = register(1n, 'abcdefghijklmnop' + 'ABCDEFGHIJKLMNOP' + '0123456789+-*/=%' + 'qrstuvwxyz!?');
// Shares a's chunk 1 at its own offset 4, so a span can cite either with the same output bytes.
const b = register(2n, 'RSTU' + 'ABCDEFGHIJKLMNOP' + 'VWXYZ.', { contributor: CAROL });
register(3n, 'a contribution still waiting for its curator', { status: Status.pending });
const other = register(4n, 'a contribution in a datanet the model was not trained on', { datanetId: 9n });

/** Output: 10 bytes of filler, then all of a's content, then 10 more bytes of filler. */
const PAD = 10;
const output = new Uint8Array([...bytes('~'.repeat(PAD)), ...a.content, ...bytes('#'.repeat(PAD))]);

/**
 * A span over c.content[from, from + length) at output position outputStart, carrying the chunks it
 * touches plus `lead` chunks before and `trail` chunks after them.
 */
function span(
  c: Registered,
  from: number,
  length: number,
  outputStart: number,
  extra: { lead?: number; trail?: number } = {},
): SpanProof {
  const chunks = splitChunks(c.content, CHUNK);
  const first = Math.floor(from / CHUNK) - (extra.lead ?? 0);
  const last = Math.floor((from + length - 1) / CHUNK) + (extra.trail ?? 0);
  const indices = Array.from({ length: last - first + 1 }, (_, j) => first + j);
  return {
    contributionId: c.id,
    outputStart: BigInt(outputStart),
    length: BigInt(length),
    chunkIndex: BigInt(first),
    chunkOffset: BigInt(from - first * CHUNK),
    chunks: indices.map((i) => chunks[i]!),
    paths: indices.map((i) => c.tree.path(i)),
  };
}

/** A span of a's bytes [from, from + length), quoted where the output holds them. */
const ofA = (from: number, length: number, extra: { lead?: number; trail?: number } = {}) =>
  span(a, from, length, PAD + from, extra);

function verify(spans: SpanProof[], out: Uint8Array = output, datanets = new Set([1n])) {
  return verifySpans(state, params, out, spans, datanets, new ProofCache(0));
}

function refusal(spans: SpanProof[], out: Uint8Array = output): { code: string; message: string } {
  try {
    verify(spans, out);
  } catch (err) {
    if (!(err instanceof AttributionError)) throw err;
    return { code: err.code, message: err.message };
  }
  throw new Error('the spans were accepted');
}

describe('verifySpans: where a span lies among its chunks', () => {
  it('accepts spans starting anywhere in the first chunk and ending anywhere in the last', () => {
    expect(verify([ofA(0, 16)])[0]).toMatchObject({ outputStart: PAD, length: 16, attributedBytes: 16 });
    expect(verify([ofA(15, 8)])[0]!.length).toBe(8); // starts at the first chunk's last byte
    expect(verify([ofA(8, 24)])[0]!.length).toBe(24); // ends at the last chunk's last byte
    expect(verify([ofA(17, 16)])[0]!.length).toBe(16); // ends at the first byte of chunk 2
    expect(verify([ofA(40, 20)])[0]!.length).toBe(20); // ends with the short last chunk
    expect(verify([ofA(0, 60)])[0]).toMatchObject({ datanetId: 1n, contributor: BOB, attributedBytes: 60 });
  });

  it('refuses a span that starts past its first chunk (an extra chunk before it)', () => {
    // chunkOffset 16 with 16-byte first chunk: the span starts exactly at the second chunk.
    expect(refusal([ofA(16, 16, { lead: 1 })])).toEqual({
      code: 'SPAN_OUT_OF_RANGE',
      message:
        'span 0: chunk range [16, 32) must start in the first chunk and end in the last of the 32 bytes carried',
    });
    expect(refusal([ofA(20, 8, { lead: 1 })]).code).toBe('SPAN_OUT_OF_RANGE');
  });

  it('refuses a span that ends before its last chunk (an extra chunk after it)', () => {
    // Ends exactly where the second-to-last carried chunk ends.
    expect(refusal([ofA(8, 8, { trail: 1 })])).toEqual({
      code: 'SPAN_OUT_OF_RANGE',
      message:
        'span 0: chunk range [8, 16) must start in the first chunk and end in the last of the 32 bytes carried',
    });
    expect(refusal([ofA(0, 16, { trail: 2 })]).code).toBe('SPAN_OUT_OF_RANGE');
  });

  it('refuses a span that runs past its last chunk, before comparing bytes', () => {
    const short = {
      ...ofA(8, 24),
      chunks: ofA(8, 24).chunks.slice(0, 1),
      paths: ofA(8, 24).paths.slice(0, 1),
    };
    expect(refusal([short])).toEqual({
      code: 'SPAN_OUT_OF_RANGE',
      message:
        'span 0: chunk range [8, 32) must start in the first chunk and end in the last of the 16 bytes carried',
    });
  });

  it('accepts the last chunk of a contribution and refuses one past it', () => {
    expect(verify([ofA(48, 12)])[0]!.length).toBe(12);
    const past = { ...ofA(48, 12), chunkIndex: 4n };
    expect(refusal([past])).toEqual({
      code: 'BAD_CHUNK',
      message: "span 0: chunks 4..4 exceed contribution 1's 4 chunks",
    });
    expect(refusal([{ ...ofA(40, 20), chunkIndex: 3n }]).message).toBe(
      "span 0: chunks 3..4 exceed contribution 1's 4 chunks",
    );
  });

  it('refuses chunks of the wrong size, missing paths, and paths that do not lead to the root', () => {
    const s = ofA(8, 16);
    expect(refusal([{ ...s, chunks: [s.chunks[0]!, s.chunks[1]!.subarray(0, 15)] }])).toEqual({
      code: 'BAD_CHUNK',
      message: 'span 0: chunk 1 has 15 bytes, expected 16',
    });
    expect(refusal([{ ...s, paths: s.paths.slice(1) }]).message).toBe(
      'span 0: needs at least one chunk and one path per chunk (got 2 chunks, 1 paths)',
    );
    expect(refusal([{ ...s, chunks: [], paths: [] }]).code).toBe('BAD_CHUNK');
    expect(refusal([{ ...s, paths: [s.paths[0]!, s.paths[0]!] }])).toEqual({
      code: 'INVALID_PROOF',
      message: "span 0: chunk 1 and its Merkle path do not hash to contribution 1's registered root",
    });
  });

  it('refuses output bytes that differ from the cited bytes', () => {
    const out = output.slice();
    out[PAD + 30]! ^= 1;
    expect(refusal([ofA(8, 24)], out)).toEqual({
      code: 'OUTPUT_MISMATCH',
      message: "span 0: output bytes [18, 42) differ from contribution 1's bytes",
    });
    expect(refusal([span(a, 8, 24, PAD + 9)]).code).toBe('OUTPUT_MISMATCH');
  });
});

describe('verifySpans: length, range and contribution checks', () => {
  it('takes spans of exactly the minimum length and refuses one byte less', () => {
    expect(verify([ofA(0, 8)])[0]!.length).toBe(8);
    expect(refusal([ofA(0, 7)])).toEqual({
      code: 'SPAN_TOO_SHORT',
      message: 'span 0: length 7 is below the minimum span length 8',
    });
  });

  it('takes a span ending at the last output byte and refuses one past it', () => {
    const out = output.subarray(0, PAD + 60);
    expect(verify([ofA(44, 16)], out)[0]!.length).toBe(16);
    expect(refusal([ofA(44, 16)], output.subarray(0, PAD + 59))).toEqual({
      code: 'SPAN_OUT_OF_RANGE',
      message: 'span 0: output range [54, 70) exceeds the 69-byte output',
    });
  });

  it('refuses unknown, not accepted, and unused-datanet contributions', () => {
    expect(refusal([{ ...ofA(0, 16), contributionId: 99n }])).toEqual({
      code: 'UNKNOWN_CONTRIBUTION',
      message: 'span 0: unknown contribution 99',
    });
    expect(refusal([{ ...ofA(0, 16), contributionId: 3n }])).toEqual({
      code: 'CONTRIBUTION_NOT_ACCEPTED',
      message: 'span 0: contribution 3 is pending, not accepted',
    });
    const onOther = span(other, 0, 16, 0);
    expect(refusal([onOther], other.content)).toEqual({
      code: 'DATANET_NOT_USED',
      message: 'span 0: contribution 4 belongs to datanet 9, which the model does not use',
    });
    expect(verify([onOther], other.content, new Set([1n, 9n]))[0]!.datanetId).toBe(9n);
  });

  it('names the failing span and checks every span of a record', () => {
    const out = output.slice();
    out[PAD + 50]! ^= 1;
    expect(refusal([ofA(0, 16), ofA(40, 20)], out).message).toMatch(/^span 1: output bytes \[50, 70\)/);
  });
});

describe('verifySpans: canonical order', () => {
  const long = ofA(16, 16); // output [26, 42)
  const shortSame = ofA(16, 8); // output [26, 34)
  const onB = span(b, 4, 16, PAD + 16); // b's copy of the same bytes, same output range as `long`

  it('orders spans of one start by length, longest first', () => {
    expect(verify([long, shortSame]).map((s) => s.length)).toEqual([16, 8]);
    expect(refusal([shortSame, long])).toMatchObject({ code: 'SPANS_NOT_CANONICAL' });
    expect(refusal([shortSame, long]).message).toMatch(
      /^span 1: spans must be ordered by outputStart ascending/,
    );
  });

  it('orders spans of one start and length by contribution id, and refuses duplicates', () => {
    expect(verify([long, onB]).map((s) => s.contributionId)).toEqual([1n, 2n]);
    expect(refusal([onB, long]).code).toBe('SPANS_NOT_CANONICAL');
    expect(refusal([long, long]).code).toBe('SPANS_NOT_CANONICAL');
  });

  it('orders by start before length', () => {
    expect(verify([ofA(0, 8), ofA(8, 24)]).map((s) => s.outputStart)).toEqual([PAD, PAD + 8]);
    expect(refusal([ofA(8, 24), ofA(0, 8)]).code).toBe('SPANS_NOT_CANONICAL');
  });
});

describe('verifySpans: attributed bytes', () => {
  it('gives each output byte to the first span covering it', () => {
    const spans = verify([ofA(0, 20), ofA(0, 10), ofA(10, 20), span(b, 4, 16, PAD + 16), ofA(40, 10)]);
    expect(spans.map((s) => [s.contributionId, s.attributedBytes])).toEqual([
      [1n, 20], // [10, 30)
      [1n, 0], // [10, 20): inside the first
      [1n, 10], // [20, 40): only [30, 40) is new
      [2n, 2], // [26, 42): only [40, 42) is new
      [1n, 10], // [50, 60)
    ]);
  });
});

describe('proofBytes', () => {
  it('counts the chunk bytes and 32 bytes per path hash', () => {
    const s = ofA(8, 24); // chunks 0 and 1 of a 4-chunk tree: 2 × 16 bytes, 2 × 2 hashes
    expect(proofBytes([s])).toBe(32 + 4 * 32);
    expect(proofBytes([s, ofA(48, 12)])).toBe(32 + 4 * 32 + 12 + 2 * 32);
    expect(proofBytes([])).toBe(0);
  });
});

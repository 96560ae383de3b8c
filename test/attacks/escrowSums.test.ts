// Escrow accounting over random records and challenges, through the module's handlers on a fresh
// state: outputs quoting random pieces of contributions (some of them copies of others), records
// citing a random subset of the prover's spans (often the later copy), then random challenges with
// the canonical spans. Every challenge either moves bytes or fails with ATTRIBUTION_UNCHANGED; at
// settlement the sum paid equals the sum escrowed, contributors get pool × attributed / output,
// the attribution is the canonical one of everything proven, and the module account is left
// holding exactly the recorder's remaining bond. The stable codes of the refusals are pinned here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../core/address.ts';
import { utf8ToBytes } from '../../core/bytes.ts';
import {
  buildIndex,
  type ContributionFile,
  canonicalSpans,
  findSpans,
  proveSpan,
} from '../../prover/index.ts';
import { ATTRIBUTION_ADDRESS } from '../../state/modules/attribution/abi.ts';
import type { Call } from '../../state/modules/attribution/call.ts';
import { canonicalSegments } from '../../state/modules/attribution/canonical.ts';
import { challengeInference, settleInference } from '../../state/modules/attribution/escrow.ts';
import { readAttributionBond, readEscrow } from '../../state/modules/attribution/escrowRecords.ts';
import { recordInference } from '../../state/modules/attribution/inferences.ts';
import { registerModel } from '../../state/modules/attribution/models.ts';
import { postAttributionBond, setOperator } from '../../state/modules/attribution/operators.ts';
import { Role } from '../../state/modules/attribution/records.ts';
import type { SpanProof } from '../../state/modules/attribution/spans.ts';
import { apportion } from '../../state/modules/attribution/split.ts';
import { writeContribution as storeContribution } from '../../state/modules/attribution/store.ts';
import {
  acceptedContribution,
  attributionError,
  DirectCalls,
  OWNER,
} from '../state/modules/attribution/directCall.ts';
import { TEST_ATTRIBUTION_PARAMS } from '../state/modules/attribution/helpers.ts';

const RECORDER: Address = '0x00000000000000000000000000000000000000e0';
const CHALLENGER: Address = '0x00000000000000000000000000000000000000c1';
const CONTRIBUTOR: Address = '0x00000000000000000000000000000000000000b0';
const BASE = 'Attribution economies need payouts that observers can check byte for byte, always.';
const TEXTS = [
  BASE,
  `A later copy: ${BASE.slice(10, 70)} (copied)`,
  'Chunk trees commit to every byte; Merkle paths prove where a span came from.',
  `Mixed: ${BASE.slice(0, 30)} and chunk trees commit to every byte; fine.`,
];
const FEE = 1_000_003n;
const BOND = 10_000n;
const WINDOW = 3;

function world() {
  const w = new DirectCalls();
  w.params = {
    ...TEST_ATTRIBUTION_PARAMS,
    challengeWindowBlocks: WINDOW,
    minAttributionBond: BOND,
    challengeRewardPerByte: 7n,
  };
  w.datanets(1);
  const files: ContributionFile[] = TEXTS.map((text, i) => {
    const content = utf8ToBytes(text);
    writeContribution(w.state, BigInt(i + 1), content);
    return { id: BigInt(i + 1), content, chunkSize: 16 };
  });
  const split = { ownerBps: 4_000n, contributorsBps: 4_000n, validatorsBps: 1_000n, treasuryBps: 1_000n };
  registerModel(w.call(OWNER), {
    name: 'm',
    metadataURI: '',
    datanetIds: [1n],
    baseModelId: 0n,
    feePerInference: FEE,
    feePerKiloByte: 0n,
    split,
  });
  setOperator(w.call(OWNER), 1n, RECORDER, true);
  w.fund(ATTRIBUTION_ADDRESS, BOND);
  postAttributionBond(w.call(RECORDER, BOND), 1n);
  return { w, index: buildIndex(files) };
}

/** An accepted contribution of Datanet 1 by CONTRIBUTOR, written directly. */
function writeContribution(state: DirectCalls['state'], id: bigint, content: Uint8Array): void {
  storeContribution(state, id, acceptedContribution(1n, CONTRIBUTOR, content, 16));
}

const at = (call: Call, height: number): Call => ({
  ...call,
  ctx: { ...call.ctx, block: { ...call.ctx.block, height } },
});

const asCalldata = (p: ReturnType<typeof proveSpan>): SpanProof => ({
  ...p,
  outputStart: BigInt(p.outputStart),
  length: BigInt(p.length),
  chunkOffset: BigInt(p.chunkOffset),
});

/** An output: pieces of the texts (at least 8 bytes each) and filler. */
const output = fc
  .array(
    fc.oneof(
      fc.record({
        text: fc.integer({ min: 0, max: TEXTS.length - 1 }),
        from: fc.nat(60),
        length: fc.integer({ min: 8, max: 40 }),
      }),
      fc.integer({ min: 1, max: 12 }).map((n) => '#'.repeat(n)),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) =>
    utf8ToBytes(
      parts
        .map((p) => (typeof p === 'string' ? p : TEXTS[p.text]!.slice(p.from, p.from + p.length)))
        .join(''),
    ),
  );

describe('escrow accounting', () => {
  it('pays exactly what it escrowed, by the canonical attribution of everything proven', () => {
    fc.assert(
      fc.property(
        output,
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
        fc.array(fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), { maxLength: 3 }),
        (out, recordMask, challengeMasks) => {
          const { w, index } = world();
          const found = findSpans(index, out, 8)
            .filter((_, i) => recordMask[i % 16])
            .slice(0, 8);
          const recorded = found.map((s) => asCalldata(proveSpan(index, s)));
          w.fund(ATTRIBUTION_ADDRESS, FEE);
          recordInference(w.call(RECORDER, FEE), { modelId: 1n, output: out, spans: recorded });
          const pool = readEscrow(w.state, 1n)!.pool;
          expect(pool).toBe(apportion(FEE, [4_000n, 4_000n, 1_000n, 1_000n])[1]);

          const canonical = canonicalSpans(index, out, 8);
          const proven = [...found];
          for (const mask of challengeMasks) {
            const chosen = canonical.filter((_, i) => mask[i % 16]).slice(0, 8);
            const spans = chosen.map((s) => asCalldata(proveSpan(index, s)));
            try {
              challengeInference(w.call(CHALLENGER), { inferenceId: 1n, output: out, spans });
              proven.push(...chosen);
            } catch (err) {
              expect(
                attributionError(() => {
                  throw err;
                }).code,
              ).toBe('ATTRIBUTION_UNCHANGED');
            }
          }
          const escrow = readEscrow(w.state, 1n)!;
          const segments = canonicalSegments(
            proven.map((s) => ({ outputStart: s.outputStart, length: s.length, contributionId: s.file.id })),
          );
          expect(escrow.segments).toEqual(segments);

          settleInference(at(w.call(CHALLENGER), 5 + WINDOW + 1), 1n);
          const settled = readEscrow(w.state, 1n)!;
          expect(settled.settled).toBe(true);
          expect(settled.payouts.reduce((sum, p) => sum + p.amount, 0n)).toBe(pool);
          const attributed = segments.reduce((sum, s) => sum + s.length, 0);
          const toContributors = settled.payouts
            .filter((p) => p.role === Role.contributor)
            .reduce((sum, p) => sum + p.amount, 0n);
          expect(toContributors).toBe((pool * BigInt(attributed)) / BigInt(out.length));
          // What the module holds: the bond the challenges left, nothing of the fee.
          const bond = readAttributionBond(w.state, 1n, RECORDER).amount;
          expect(bond).toBe(BOND - settled.slashed);
          expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(bond);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('escrow refusals, by stable code', () => {
  const out = utf8ToBytes(`quoting ${BASE.slice(0, 40)} and more`);
  const recorded = (w: DirectCalls) => {
    w.fund(ATTRIBUTION_ADDRESS, FEE);
    recordInference(w.call(RECORDER, FEE), { modelId: 1n, output: out, spans: [] });
  };
  const spansOf = (index: ReturnType<typeof world>['index']) =>
    canonicalSpans(index, out, 8).map((s) => asCalldata(proveSpan(index, s)));

  it('names each refusal and changes nothing', () => {
    const { w, index } = world();
    recorded(w);
    const before = readEscrow(w.state, 1n);
    const code = (run: () => unknown) => attributionError(run).code;
    expect(
      code(() =>
        challengeInference(w.call(CHALLENGER), { inferenceId: 7n, output: out, spans: spansOf(index) }),
      ),
    ).toBe('UNKNOWN_INFERENCE');
    expect(
      code(() =>
        challengeInference(w.call(CHALLENGER), {
          inferenceId: 1n,
          output: out.subarray(1),
          spans: spansOf(index),
        }),
      ),
    ).toBe('OUTPUT_HASH_MISMATCH');
    expect(
      code(() => challengeInference(w.call(CHALLENGER, 1n), { inferenceId: 1n, output: out, spans: [] })),
    ).toBe('UNEXPECTED_VALUE');
    expect(
      code(() => challengeInference(w.call(CHALLENGER), { inferenceId: 1n, output: out, spans: [] })),
    ).toBe('ATTRIBUTION_UNCHANGED');
    const bad = spansOf(index).map((s) => ({ ...s, chunks: s.chunks.map((c) => c.map((b) => b ^ 1)) }));
    expect(
      code(() => challengeInference(w.call(CHALLENGER), { inferenceId: 1n, output: out, spans: bad })),
    ).toMatch(/INVALID_PROOF|OUTPUT_MISMATCH/);
    expect(code(() => settleInference(w.call(CHALLENGER), 1n))).toBe('CHALLENGE_WINDOW_OPEN');
    expect(
      code(() =>
        challengeInference(at(w.call(CHALLENGER), 5 + WINDOW + 1), {
          inferenceId: 1n,
          output: out,
          spans: spansOf(index),
        }),
      ),
    ).toBe('CHALLENGE_WINDOW_CLOSED');
    expect(readEscrow(w.state, 1n)).toEqual(before);
    settleInference(at(w.call(CHALLENGER), 5 + WINDOW + 1), 1n);
    expect(code(() => settleInference(at(w.call(CHALLENGER), 5 + WINDOW + 2), 1n))).toBe('INFERENCE_SETTLED');
    expect(
      code(() => recordInference(w.call(CHALLENGER, FEE), { modelId: 1n, output: out, spans: [] })),
    ).toBe('NOT_AUTHORIZED');
    expect(code(() => setOperator(w.call(CHALLENGER), 1n, CHALLENGER, true))).toBe('NOT_AUTHORIZED');
    setOperator(w.call(OWNER), 1n, CHALLENGER, true);
    expect(
      code(() => recordInference(w.call(CHALLENGER, FEE), { modelId: 1n, output: out, spans: [] })),
    ).toBe('BOND_TOO_LOW');
  });
});

// The attribution module's ABI calldata and span proofs, through the real module on the state of a
// real chain: arbitrary and mutated calldata for every function is refused with AbiDecodeError
// (decoder) or an AttributionError with its code (module), and structurally mutated span proofs of
// a real inference record either verify or are refused with a span or proof error code.
import fc from 'fast-check';
import { AbiFunction } from 'ox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, addressFromPrivateKey } from '../../core/address.ts';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../core/bytes.ts';
import {
  buildIndex,
  challengeCalldata,
  findSpans,
  inferenceCalldata,
  proveSpan,
  type SpanProof,
} from '../../prover/index.ts';
import { transfer } from '../../state/accounts.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { AbiDecodeError, decodeArgs } from '../../state/modules/attribution/calldata.ts';
import { AttributionError } from '../../state/modules/attribution/errors.ts';
import { Policy } from '../../state/modules/attribution/records.ts';
import { type CallContext, ModuleError } from '../../state/modules/module.ts';
import { StateOverlay } from '../../state/stateDb.ts';
import { AttributionHarness, alice, bob, erin } from '../state/modules/attribution/helpers.ts';
import { anyBytes, budget, mutationsOf, rejectsOnlyWith, TIMEOUT_MS } from './budget.ts';

const TEXT =
  'Proof of attribution ties each output span to the contribution it was copied from, byte for byte.';
const OUTPUT = utf8ToBytes(`The model said: ${TEXT.slice(5, 75)} and nothing else of note.`);

let h: AttributionHarness;
let spans: SpanProof[];
let fee: bigint;
let reveal: Uint8Array;
let commitment: Uint8Array;

beforeAll(async () => {
  // An open challenge window, so challenge seeds reach span verification.
  h = await AttributionHarness.open({ challengeWindowBlocks: 1_000 });
  await h.send(alice, 'createDatanet', ['open', '', '', Policy.open, 0n]);
  const content = utf8ToBytes(TEXT);
  const sent = await h.contribute(bob, 1n, content);
  const id = AttributionHarness.idFrom(sent, 'ContributionAdded', 'contributionId');
  await h.send(alice, 'registerModel', [
    'm',
    '',
    [1n],
    0n,
    10n ** 15n,
    0n,
    { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 },
  ]);
  await h.send(alice, 'setOperator', [1n, addressFromPrivateKey(erin.privateKey), true]);
  const index = buildIndex([{ id, content, chunkSize: 16 }]);
  spans = findSpans(index, OUTPUT, 8).map((s) => proveSpan(index, s));
  expect(spans.length).toBeGreaterThan(0);
  fee = h.view('modelFee', [1n, OUTPUT.length]) as bigint;
  // Inference 1, recorded without spans: challenges of it carry the real proofs.
  await h.send(erin, 'recordInference', [1n, bytesToHex(OUTPUT), []], { value: fee });
  // A live commitment of erin's (the fuzzed sender), so that mutated reveals reach the samples.
  const other = utf8ToBytes(`${TEXT} A second file, committed to and never revealed.`);
  const pending = await h.commit(erin, other);
  await h.advance(2);
  reveal = h.revealData(pending, 1n, other);
  commitment = h.calldata('commitContribution', [pending.commitment]);
}, 60_000);
afterAll(() => h.close());

/**
 * Runs calldata through the module on a throwaway overlay of the head state, as a transaction does
 * (the value moves to the module first), keeping the module's typed error instead of a receipt.
 */
function execute(
  data: Uint8Array,
  value: bigint,
  from: Address = addressFromPrivateKey(erin.privateKey),
): void {
  const chain = h.chain;
  const ctx: CallContext = {
    state: new StateOverlay(chain.state),
    block: {
      chainId: chain.chainId,
      height: chain.head.header.height + 1,
      time: chain.head.header.time + 1000,
      params: chain.params(),
    },
    from,
    value,
    useGas: () => {},
    emit: () => {},
  };
  transfer(ctx.state, from, ATTRIBUTION_ADDRESS, value);
  h.module.execute(ctx, data);
}

const functions = attributionAbi.filter((item) => item.type === 'function');

describe('fuzz: attribution calldata', () => {
  it('every function decoder refuses arbitrary argument bytes with AbiDecodeError', {
    timeout: TIMEOUT_MS,
  }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...functions), anyBytes(400), (fn, args) => {
        rejectsOnlyWith(
          () => decodeArgs(fn, Uint8Array.from([0, 0, 0, 0, ...args])),
          [{ type: AbiDecodeError }],
        );
      }),
      budget(300),
    );
  });

  it('the module refuses arbitrary and mutated calldata with an AttributionError code', {
    timeout: TIMEOUT_MS,
  }, () => {
    const seeds = [
      hexToBytes(inferenceCalldata(1n, OUTPUT, spans)),
      h.calldata('createDatanet', ['d', 'uri', 'cc-by', Policy.curated, 5n]),
      h.calldata('registerModel', [
        'm2',
        '',
        [1n],
        1n,
        1n,
        1n,
        { ownerBps: 10_000, contributorsBps: 0, validatorsBps: 0, treasuryBps: 0 },
      ]),
      h.calldata('approveContribution', [1n]),
      h.calldata('withdrawBond', [1n]),
      hexToBytes(challengeCalldata(1n, OUTPUT, spans)),
      h.calldata('settleInference', [1n]),
      h.calldata('postAttributionBond', [1n]),
      reveal,
      commitment,
    ];
    const selectors = functions.map((fn) => hexToBytes(AbiFunction.getSelector(fn)));
    const withSelector = fc
      .tuple(fc.constantFrom(...selectors), anyBytes(300))
      .map(([s, rest]) => Uint8Array.from([...s, ...rest]));
    fc.assert(
      fc.property(
        fc.oneof(anyBytes(64), withSelector, mutationsOf(seeds)),
        fc.constantFrom(0n, fee),
        (data, value) => {
          rejectsOnlyWith(() => execute(data, value), [{ type: AttributionError }]);
        },
      ),
      budget(300),
    );
  });
});

/** One structural change to one span: the fields a prover could get wrong or an attacker forge. */
const spanMutation = fc.oneof(
  fc.record({
    field: fc.constantFrom('contributionId', 'outputStart', 'length', 'chunkIndex', 'chunkOffset'),
    value: fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.constantFrom(2n ** 32n - 1n, 2n ** 64n - 1n)),
  }),
  fc.record({ field: fc.constant('chunkByte'), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ field: fc.constant('pathByte'), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ field: fc.constantFrom('dropChunk', 'dropPathNode', 'extraChunk', 'swapSpans') }),
);

type Mutation = { field: string; value?: bigint; at?: number; mask?: number };

const UINT32 = 2n ** 32n - 1n;
function mutate(proofs: readonly SpanProof[], k: number, m: Mutation): SpanProof[] {
  const out = proofs.map((s) => ({
    ...s,
    chunks: s.chunks.map((c) => Uint8Array.from(c)),
    paths: s.paths.map((p) => p.map((n) => Uint8Array.from(n))),
  }));
  const span = out[k % out.length]!;
  const i = k % out.length;
  switch (m.field) {
    case 'outputStart':
    case 'length':
    case 'chunkOffset':
      out[i] = { ...span, [m.field]: m.value! > UINT32 ? UINT32 : m.value! };
      break;
    case 'contributionId':
    case 'chunkIndex':
      out[i] = { ...span, [m.field]: m.value! };
      break;
    case 'chunkByte': {
      const chunk = span.chunks[m.at! % span.chunks.length]!;
      chunk[m.at! % chunk.length]! ^= m.mask!;
      break;
    }
    case 'pathByte': {
      const path = span.paths[m.at! % span.paths.length]!;
      if (path.length > 0) path[m.at! % path.length]![m.at! % 32]! ^= m.mask!;
      break;
    }
    case 'dropChunk':
      out[i] = { ...span, chunks: span.chunks.slice(1), paths: span.paths.slice(1) };
      break;
    case 'dropPathNode':
      out[i] = { ...span, paths: span.paths.map((p) => p.slice(1)) };
      break;
    case 'extraChunk':
      out[i] = {
        ...span,
        chunks: [...span.chunks, new Uint8Array(16)],
        paths: [...span.paths, span.paths[0]!],
      };
      break;
    case 'swapSpans':
      out.reverse();
      break;
  }
  return out;
}

const SPAN_CODES = [
  'SPANS_NOT_CANONICAL',
  'SPAN_TOO_SHORT',
  'SPAN_OUT_OF_RANGE',
  'UNKNOWN_CONTRIBUTION',
  'CONTRIBUTION_NOT_ACCEPTED',
  'DATANET_NOT_USED',
  'BAD_CHUNK',
  'INVALID_PROOF',
  'OUTPUT_MISMATCH',
  'INVALID_ARGUMENT',
  'TOO_MANY_SPANS',
];

describe('fuzz: attribution span proofs', () => {
  it('the real proofs verify', () => {
    expect(() => execute(hexToBytes(inferenceCalldata(1n, OUTPUT, spans)), fee)).not.toThrow();
  });

  it('mutated proofs verify or are refused with a span or proof error code', { timeout: TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.nat(), spanMutation, (k, m) => {
        const data = hexToBytes(inferenceCalldata(1n, OUTPUT, mutate(spans, k, m)));
        rejectsOnlyWith(() => execute(data, fee), [{ type: AttributionError, codes: SPAN_CODES }]);
      }),
      budget(200),
    );
  });

  it('refusals are ModuleErrors, so a transaction fails with the reason instead of the block', () => {
    expect(new AttributionError('BAD_CHUNK', 'x')).toBeInstanceOf(ModuleError);
  });
});

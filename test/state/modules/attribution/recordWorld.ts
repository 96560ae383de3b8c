// A world for recordInference and its escrow on a fresh in-memory state (DirectCalls): four
// accepted contributions in three Datanets, a base model and an adapter on it, an operator
// authorized for both, and span proofs of the contributions quoted in an output.
import type { Address } from '../../../../core/address.ts';
import { utf8ToBytes } from '../../../../core/bytes.ts';
import { buildIndex, type ContributionFile, proveSpan } from '../../../../prover/index.ts';
import { registerModel } from '../../../../state/modules/attribution/models.ts';
import { setOperator } from '../../../../state/modules/attribution/operators.ts';
import type { AttributionParams } from '../../../../state/modules/attribution/params.ts';
import { AdapterMode, setAdapterPolicy } from '../../../../state/modules/attribution/policies.ts';
import type { SpanProof } from '../../../../state/modules/attribution/spans.ts';
import { writeContribution } from '../../../../state/modules/attribution/store.ts';
import { acceptedContribution, DirectCalls, OWNER } from './directCall.ts';

export const BOB: Address = '0x00000000000000000000000000000000000000b0';
export const CAROL: Address = '0x00000000000000000000000000000000000000c0';
export const DAVE: Address = '0x00000000000000000000000000000000000000d0';
export const CALLER: Address = '0x00000000000000000000000000000000000000e0';
export const SPLIT = {
  ownerBps: 5_000n,
  contributorsBps: 3_000n,
  validatorsBps: 1_000n,
  treasuryBps: 1_000n,
};
export const FEE = 10_000n;

export const Y = 'Proof of attribution ties each output span to its source.';
export const X = 'Datanets collect the data that models are trained on.';
export const Z = 'A third contribution quoted twice in the same output.';
/** Contains Y's bytes [2, 14) at its offset 2. */
export const W = `zz${Y.slice(2, 14)} and then something else entirely.`;

/** Contribution id → datanet, contributor, text. Ids are out of output order on purpose. */
const CONTRIBUTIONS: [bigint, bigint, Address, string][] = [
  [1n, 2n, BOB, X],
  [2n, 1n, CAROL, Y],
  [3n, 1n, BOB, Z],
  [4n, 3n, CAROL, W],
];

/**
 * Datanets 1–3; the contributions above, accepted; model 1 (a base model of OWNER trained on
 * Datanets 1 and 3) and model 2 (DAVE's adapter on it, trained on Datanet 2), each charging FEE
 * per inference. The validators' share goes to the staking module, for the end of the block.
 */
export function world(params: Partial<AttributionParams> = {}) {
  const w = new DirectCalls();
  w.params = { ...w.params, ...params };
  w.datanets(3);
  const files: ContributionFile[] = [];
  for (const [id, datanetId, contributor, text] of CONTRIBUTIONS) {
    const content = utf8ToBytes(text);
    writeContribution(w.state, id, acceptedContribution(datanetId, contributor, content, 16));
    files.push({ id, content, chunkSize: 16 });
  }
  const model = { name: 'm', metadataURI: '', feePerInference: FEE, feePerKiloByte: 0n, split: SPLIT };
  registerModel(w.call(OWNER), { ...model, datanetIds: [1n, 3n], baseModelId: 0n });
  setAdapterPolicy(w.call(OWNER), 1n, BigInt(AdapterMode.open), 0n);
  registerModel(w.call(DAVE), { ...model, datanetIds: [2n], baseModelId: 0n + 1n });
  setOperator(w.call(OWNER), 1n, CALLER, true);
  setOperator(w.call(DAVE), 2n, CALLER, true);
  w.logs.length = 0;
  w.gas = 0n;
  return { w, index: buildIndex(files) };
}

export type World = ReturnType<typeof world>;

/** A proof of `length` bytes of contribution `id` from `offset`, quoted at `outputStart`. */
export function span(
  index: World['index'],
  id: bigint,
  offset: number,
  length: number,
  outputStart: number,
): SpanProof {
  const file = index.files.find((f) => f.id === id)!;
  const p = proveSpan(index, { file, offset, length, outputStart, attributedBytes: length });
  return {
    ...p,
    outputStart: BigInt(p.outputStart),
    length: BigInt(p.length),
    chunkOffset: BigInt(p.chunkOffset),
  };
}

export const OUTPUT = utf8ToBytes(
  `${Y.slice(0, 20)}${X.slice(0, 20)}${Z.slice(0, 20)}${'~'.repeat(10)}${Z.slice(0, 20)}`,
);

export function spans(index: World['index']): SpanProof[] {
  return [
    span(index, 2n, 0, 20, 0), // Y: 20 bytes
    span(index, 4n, 2, 12, 2), // W: inside the span before it, attributed nothing
    span(index, 1n, 0, 20, 20), // X: 20 bytes
    span(index, 3n, 0, 20, 40), // Z: 20 bytes
    span(index, 3n, 0, 20, 70), // Z again: 20 more
  ];
}

// recordInference on a fresh state per test: the checks before any work (output cap, span cap,
// model, fee) with the gas charged up front, and a record whose every effect is pinned — the
// stored record, the model's statistics, the events, the payouts and balances, and the earnings
// per contribution, contributor and Datanet. The record's spans cover contributions of three
// Datanets out of id order, cite one contribution twice, and include a span wholly covered by an
// earlier one (attributed nothing), so the per-contribution totals, their id order and the Datanets
// actually paid all show. The test parameters settle the contributors' pool within the record
// (challengeWindowBlocks 0), by coverage: 80 of the 90 output bytes are attributed.
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../../../core/bytes.ts';
import { sha256 } from '../../../../core/hash.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import { readEscrow } from '../../../../state/modules/attribution/escrowRecords.ts';
import { recordInference } from '../../../../state/modules/attribution/inferences.ts';
import { attributionKeys } from '../../../../state/modules/attribution/keys.ts';
import { registerModel } from '../../../../state/modules/attribution/models.ts';
import { setOperator } from '../../../../state/modules/attribution/operators.ts';
import { Role } from '../../../../state/modules/attribution/records.ts';
import type { SpanProof } from '../../../../state/modules/attribution/spans.ts';
import { readEarnings, readInference, readModelStats } from '../../../../state/modules/attribution/store.ts';
import { views } from '../../../../state/modules/attribution/views.ts';
import { STAKING_ADDRESS, takeBlockIncome } from '../../../../state/modules/staking/index.ts';
import { TREASURY } from '../../execution/helpers.ts';
import { attributionError, BLOCK_TIME, type DirectCalls, OWNER } from './directCall.ts';
import { BOB, CALLER, CAROL, DAVE, FEE, OUTPUT, SPLIT, span, spans, W, world, X, Y } from './recordWorld.ts';

/** Chunk bytes plus 32 per path hash: what the proof makes a validator hash. */
function proofSize(list: SpanProof[]): number {
  return list.reduce(
    (sum, s) =>
      sum + s.chunks.reduce((n, c) => n + c.length, 0) + s.paths.reduce((n, p) => n + 32 * p.length, 0),
    0,
  );
}

/** Gas charged before any work: 2,000 per span, 6 per proof byte, 2 per output byte. */
const upfront = (list: SpanProof[], outputBytes: number) =>
  2_000n * BigInt(list.length) + 6n * BigInt(proofSize(list)) + 2n * BigInt(outputBytes);

/** Sends the record with `value`, after putting the value into the module account as a transaction would. */
function record(w: DirectCalls, modelId: bigint, output: Uint8Array, list: SpanProof[], value = FEE) {
  w.fund(ATTRIBUTION_ADDRESS, value);
  recordInference(w.call(CALLER, value), { modelId, output, spans: list });
}

function refusal(w: DirectCalls, modelId: bigint, output: Uint8Array, list: SpanProof[], value = FEE) {
  const err = attributionError(() =>
    recordInference(w.call(CALLER, value), { modelId, output, spans: list }),
  );
  expect(readInference(w.state, 1n)).toBeUndefined();
  return { code: err.code, message: err.message };
}

describe('recordInference: a record and everything it pays', () => {
  it('stores the record: lineage, the Datanets actually paid in ascending order, spans and payouts', () => {
    const { w, index } = world();
    const list = spans(index);
    record(w, 2n, OUTPUT, list);
    const payouts = [
      // The base takes 20% (loraBaseShareBps) of the whole fee out of the 50% owner share.
      { role: Role.modelOwner, refId: 2n, recipient: DAVE, amount: 3_000n },
      { role: Role.baseModelOwner, refId: 1n, recipient: OWNER, amount: 2_000n },
      { role: Role.validator, refId: 0n, recipient: STAKING_ADDRESS, amount: 1_000n },
      { role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 1_000n },
    ];
    expect(readInference(w.state, 1n)).toEqual({
      modelId: 2n,
      caller: CALLER,
      height: 5,
      time: BLOCK_TIME,
      fee: FEE,
      outputHash: sha256(OUTPUT),
      outputBytes: 90,
      attributedBytes: 80,
      lineage: [2n, 1n],
      datanetIds: [1n, 2n],
      spans: [
        { contributionId: 2n, outputStart: 0, length: 20, attributedBytes: 20 },
        { contributionId: 4n, outputStart: 2, length: 12, attributedBytes: 0 },
        { contributionId: 1n, outputStart: 20, length: 20, attributedBytes: 20 },
        { contributionId: 3n, outputStart: 40, length: 20, attributedBytes: 20 },
        { contributionId: 3n, outputStart: 70, length: 20, attributedBytes: 20 },
      ],
      payouts,
    });
    // The pool of 3,000 by coverage: 3,000 × 80 / 90 = 2,666 to contributions 1, 2, 3 by 20 : 20 : 40
    // (666.5, 666.5, 1,333: the leftover unit to the lower id), 334 uncovered to the treasury.
    expect(readEscrow(w.state, 1n)).toEqual({
      recorder: CALLER,
      pool: 3_000n,
      windowEnd: 5,
      segments: [
        { outputStart: 0, length: 20, contributionId: 2n },
        { outputStart: 20, length: 20, contributionId: 1n },
        { outputStart: 40, length: 20, contributionId: 3n },
        { outputStart: 70, length: 20, contributionId: 3n },
      ],
      challenges: 0,
      slashed: 0n,
      settled: true,
      payouts: [
        { role: Role.contributor, refId: 1n, recipient: BOB, amount: 667n },
        { role: Role.contributor, refId: 2n, recipient: CAROL, amount: 666n },
        { role: Role.contributor, refId: 3n, recipient: BOB, amount: 1_333n },
        { role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 334n },
      ],
    });
    // Charged up front, then one account read and write per payout and for the module (record and
    // settlement), one record read and write for the validators' income, one per earnings total of
    // a recipient's role at once (five), and 1,000 per log (the record's, each payout's and the
    // settlement's).
    expect(w.gas).toBe(upfront(list, 90) + 5_500n * (5n + 1n) + 5_500n * 5n + 5_500n * 5n + 1_000n * 10n);
  });

  it('pays every recipient and credits earnings per contribution, contributor and Datanet', () => {
    const { w, index } = world();
    record(w, 2n, OUTPUT, spans(index));
    expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(0n);
    expect(w.balance(CALLER)).toBe(0n);
    expect(
      Object.fromEntries([DAVE, OWNER, BOB, CAROL, STAKING_ADDRESS, TREASURY].map((a) => [a, w.balance(a)])),
    ).toEqual({
      [DAVE]: 3_000n,
      [OWNER]: 2_000n,
      [BOB]: 2_000n,
      [CAROL]: 666n,
      [STAKING_ADDRESS]: 1_000n,
      [TREASURY]: 1_334n,
    });
    // Recorded as this block's income of the validators, which the end of the block allocates.
    expect(takeBlockIncome(w.state)).toBe(1_000n);
    const earnings = (key: Uint8Array) => readEarnings(w.state, key);
    expect([1n, 2n, 3n, 4n].map((id) => earnings(attributionKeys.contributionEarnings(id)))).toEqual([
      667n,
      666n,
      1_333n,
      0n,
    ]);
    expect([BOB, CAROL, DAVE].map((a) => earnings(attributionKeys.contributorEarnings(a)))).toEqual([
      2_000n,
      666n,
      0n,
    ]);
    expect([1n, 2n, 3n].map((id) => earnings(attributionKeys.datanetEarnings(id)))).toEqual([
      1_999n,
      667n,
      0n,
    ]);

    // Every recipient's total per role: the sum over all of them is what was paid out.
    const byRole = Object.fromEntries(
      [DAVE, OWNER, BOB, CAROL, STAKING_ADDRESS, TREASURY].map((a) => [a, views.earningsOf(w.state, [a])]),
    );
    const none = { modelOwner: 0n, baseModelOwner: 0n, contributor: 0n, validator: 0n, treasury: 0n };
    expect(byRole).toEqual({
      [DAVE]: { ...none, modelOwner: 3_000n, datanetOwner: 0n, challenger: 0n },
      [OWNER]: { ...none, baseModelOwner: 2_000n, datanetOwner: 0n, challenger: 0n },
      [BOB]: { ...none, contributor: 2_000n, datanetOwner: 0n, challenger: 0n },
      [CAROL]: { ...none, contributor: 666n, datanetOwner: 0n, challenger: 0n },
      [STAKING_ADDRESS]: { ...none, validator: 1_000n, datanetOwner: 0n, challenger: 0n },
      [TREASURY]: { ...none, treasury: 1_334n, datanetOwner: 0n, challenger: 0n },
    });

    // A second record adds to the same earnings.
    record(w, 2n, OUTPUT, spans(index));
    expect(views.earningsOf(w.state, [TREASURY])).toMatchObject({ treasury: 2_668n });
    expect(earnings(attributionKeys.contributorEarnings(BOB))).toBe(4_000n);
    expect(earnings(attributionKeys.datanetEarnings(2n))).toBe(1_334n);
    expect(earnings(attributionKeys.contributionEarnings(3n))).toBe(2_666n);
  });

  it('counts the model’s inferences and fees, record after record', () => {
    const { w, index } = world();
    expect(readModelStats(w.state, 2n)).toEqual({ inferences: 0n, feesCharged: 0n });
    record(w, 2n, OUTPUT, spans(index));
    record(w, 2n, OUTPUT, spans(index));
    expect(readModelStats(w.state, 2n)).toEqual({ inferences: 2n, feesCharged: 2n * FEE });
    expect(readModelStats(w.state, 1n)).toEqual({ inferences: 0n, feesCharged: 0n });
    expect(readInference(w.state, 2n)!.modelId).toBe(2n);
  });

  it('announces the record, each payout in order, then the settlement', () => {
    const { w, index } = world();
    record(w, 2n, OUTPUT, spans(index));
    const events = w.events();
    expect(events[0]).toEqual({
      eventName: 'InferenceAttributed',
      args: {
        inferenceId: 1n,
        modelId: 2n,
        caller: expect.stringMatching(/^0x0{38}e0$/i),
        fee: FEE,
        outputHash: bytesToHex(sha256(OUTPUT)),
        outputBytes: 90,
        attributedBytes: 80,
        lineage: [2n, 1n],
        datanetIds: [1n, 2n],
      },
    });
    const payouts = [...readInference(w.state, 1n)!.payouts, ...readEscrow(w.state, 1n)!.payouts];
    expect(events.slice(1, -1)).toEqual(
      payouts.map((p) => ({
        eventName: 'RewardPaid',
        args: {
          inferenceId: 1n,
          recipient: expect.stringMatching(new RegExp(`^${p.recipient}$`, 'i')),
          role: p.role,
          refId: p.refId,
          amount: p.amount,
        },
      })),
    );
    expect(events.at(-1)).toEqual({
      eventName: 'InferenceSettled',
      args: { inferenceId: 1n, attributedBytes: 80, toContributors: 2_666n, uncovered: 334n },
    });
    expect(events).toHaveLength(1 + 8 + 1);
  });

  it('lists the Datanets paid in ascending order, whatever order the contribution ids give them', () => {
    const ids = (list: SpanProof[]) => {
      const { w } = world();
      const output = utf8ToBytes(`${Y.slice(0, 20)}${X.slice(0, 20)}${W.slice(14, 34)}`);
      record(w, 2n, output, list);
      return readInference(w.state, 1n)!.datanetIds;
    };
    const { index } = world();
    const y = span(index, 2n, 0, 20, 0); // contribution 2, Datanet 1
    const x = span(index, 1n, 0, 20, 20); // contribution 1, Datanet 2
    const w4 = span(index, 4n, 14, 20, 40); // contribution 4, Datanet 3
    // By contribution id: Datanets 2, 1, 3.
    expect(ids([y, x, w4])).toEqual([1n, 2n, 3n]);
    // By contribution id: Datanets 1, 3 (already ascending).
    expect(ids([y, w4])).toEqual([1n, 3n]);
  });

  it('pays the contributors share to the treasury when no span is given', () => {
    const { w } = world();
    const output = utf8ToBytes('x'.repeat(2_048)); // exactly the output cap
    record(w, 1n, output, []);
    expect(readInference(w.state, 1n)).toMatchObject({
      outputBytes: 2_048,
      attributedBytes: 0,
      lineage: [1n],
      datanetIds: [],
      spans: [],
    });
    expect(w.balance(TREASURY)).toBe(1_000n + 3_000n);
    expect(w.balance(OWNER)).toBe(5_000n);
  });
});

describe('recordInference: refusals, before any work', () => {
  it('refuses an output over the cap, after charging for it', () => {
    const { w, index } = world();
    const output = new Uint8Array(2_049);
    const list = [span(index, 2n, 0, 20, 0)];
    expect(refusal(w, 2n, output, list)).toEqual({
      code: 'OUTPUT_TOO_LARGE',
      message: 'output is 2049 bytes, limit 2048',
    });
    expect(w.gas).toBe(upfront(list, 2_049));
    expect(w.gas).toBe(2_000n + 6n * BigInt(16 + 16 + 32 * 2 * 2) + 2n * 2_049n);
  });

  it('refuses more than 8 spans; 8 are checked one by one', () => {
    const { w, index } = world();
    const one = span(index, 2n, 0, 20, 0);
    expect(refusal(w, 2n, OUTPUT, Array(9).fill(one))).toEqual({
      code: 'TOO_MANY_SPANS',
      message: '9 spans, limit 8',
    });
    // Eight repeats of one span get past the cap and are refused as out of canonical order.
    expect(refusal(w, 2n, OUTPUT, Array(8).fill(one)).code).toBe('SPANS_NOT_CANONICAL');
  });

  it('refuses an unknown model and a wrong fee, naming what the model charges', () => {
    const { w } = world();
    expect(refusal(w, 9n, OUTPUT, [])).toEqual({ code: 'UNKNOWN_MODEL', message: 'unknown model 9' });
    expect(refusal(w, 2n, OUTPUT, [], FEE - 1n)).toEqual({
      code: 'WRONG_FEE',
      message: 'model 2 charges 10000 for 90 output bytes, but 9999 was sent',
    });
    registerModel(w.call(OWNER), {
      name: 'per-kb',
      metadataURI: '',
      datanetIds: [],
      baseModelId: 0n,
      feePerInference: 7n,
      feePerKiloByte: 1_000n,
      split: SPLIT,
    });
    setOperator(w.call(OWNER), 3n, CALLER, true);
    expect(refusal(w, 3n, new Uint8Array(5), [], 7n)).toEqual({
      code: 'WRONG_FEE',
      message: 'model 3 charges 12 for 5 output bytes, but 7 was sent',
    });
  });

  it('refuses spans on a contribution of a Datanet outside the model’s lineage', () => {
    const { w, index } = world();
    // Model 1 is trained on Datanets 1 and 3; contribution 1 is in Datanet 2 (its adapter's).
    expect(refusal(w, 1n, OUTPUT, [span(index, 1n, 0, 20, 20)]).code).toBe('DATANET_NOT_USED');
    record(w, 2n, OUTPUT, [span(index, 1n, 0, 20, 20)]);
    expect(readInference(w.state, 1n)!.datanetIds).toEqual([2n]);
  });
});

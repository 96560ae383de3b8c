// The escrowed contributors' pool (state/modules/attribution/escrow.ts) on a fresh state per test:
// the exact blocks in which a record can be challenged and from which it can be settled, what a
// challenger earns from the recorder's bond (never more than the bond), and the refusals that leave
// the escrow as it was. The record (model 2, by CALLER at height 5, window 4: open through height 9)
// cites only W, a later copy of Y's bytes 2–14; the challenger proves Y itself over bytes 0–20.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../../core/bytes.ts';
import { sha256 } from '../../../../core/hash.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import { challengeInference, settleInference } from '../../../../state/modules/attribution/escrow.ts';
import { readAttributionBond, readEscrow } from '../../../../state/modules/attribution/escrowRecords.ts';
import { GAS } from '../../../../state/modules/attribution/gas.ts';
import { recordInference } from '../../../../state/modules/attribution/inferences.ts';
import { postAttributionBond } from '../../../../state/modules/attribution/operators.ts';
import type { AttributionParams } from '../../../../state/modules/attribution/params.ts';
import { Role } from '../../../../state/modules/attribution/records.ts';
import { TREASURY } from '../../execution/helpers.ts';
import { type DirectCalls, OWNER, refusal as refused } from './directCall.ts';
import { CALLER, CAROL, FEE, OUTPUT, span, type World, world } from './recordWorld.ts';

const CHALLENGER = '0x00000000000000000000000000000000000000f0';
const PER_BYTE = 1_000n;
const POOL = 3_000n; // contributorsBps 3,000 of FEE

/** The record, with CALLER bonded for `bond` (none for 0: the test minimum bond is 0). */
function recorded(
  bond: bigint,
  params: Partial<AttributionParams> = {},
  quoted: readonly (readonly [bigint, number, number, number])[] = [[4n, 2, 12, 2]],
) {
  const { w, index } = world({ challengeWindowBlocks: 4, challengeRewardPerByte: PER_BYTE, ...params });
  w.fund(ATTRIBUTION_ADDRESS, bond + FEE);
  if (bond > 0n) postAttributionBond(w.call(CALLER, bond), 2n);
  const spans = quoted.map(([id, offset, length, start]) => span(index, id, offset, length, start));
  recordInference(w.call(CALLER, FEE), { modelId: 2n, output: OUTPUT, spans });
  w.logs.length = 0;
  return { w, index };
}

const proofOfY = (index: World['index']) => [span(index, 2n, 0, 20, 0)];
const at = (w: DirectCalls, height: number) => {
  w.height = height;
  return w;
};

describe('challengeInference', () => {
  it('moves bytes to the earlier contribution through the last block of the window, paid per byte', () => {
    const { w, index } = recorded(10n ** 6n);
    expect(readEscrow(w.state, 1n)).toMatchObject({ windowEnd: 9, settled: false });
    challengeInference(at(w, 9).call(CHALLENGER), {
      inferenceId: 1n,
      output: OUTPUT,
      spans: proofOfY(index),
    });
    // 12 bytes move from contribution 4 to 2, and 8 from nobody to 2.
    const reward = 20n * PER_BYTE;
    expect(w.balance(CHALLENGER)).toBe(reward);
    expect(readAttributionBond(w.state, 2n, CALLER).amount).toBe(10n ** 6n - reward);
    expect(readEscrow(w.state, 1n)).toMatchObject({
      segments: [{ outputStart: 0, length: 20, contributionId: 2n }],
      challenges: 1,
      slashed: reward,
      settled: false,
    });
    expect(w.events()).toEqual([
      {
        eventName: 'InferenceChallenged',
        args: {
          inferenceId: 1n,
          challenger: expect.stringMatching(/^0x0{38}f0$/i),
          recorder: expect.stringMatching(/^0x0{38}e0$/i),
          bytesMoved: 20,
          reward,
          attributedBytes: 20,
        },
      },
    ]);
  });

  it('pays a challenger no more than the recorder’s bond', () => {
    const { w, index } = recorded(5n * PER_BYTE);
    challengeInference(w.call(CHALLENGER), { inferenceId: 1n, output: OUTPUT, spans: proofOfY(index) });
    expect(w.balance(CHALLENGER)).toBe(5n * PER_BYTE);
    expect(readAttributionBond(w.state, 2n, CALLER).amount).toBe(0n);
    expect(readEscrow(w.state, 1n)!.slashed).toBe(5n * PER_BYTE);
    // The module account still holds the pool, and nothing else: the bond went to the challenger.
    expect(w.balance(ATTRIBUTION_ADDRESS)).toBe(POOL);
  });

  it('charges the proof work and one span’s gas per stored segment; a bond of nothing pays nothing', () => {
    // W's bytes and X's (at 20–40): two stored segments.
    const { w, index } = recorded(0n, {}, [
      [4n, 2, 12, 2],
      [1n, 0, 20, 20],
    ]);
    const spans = proofOfY(index);
    const proofBytes =
      spans[0]!.chunks.reduce((n, c) => n + c.length, 0) + 32 * spans[0]!.paths.flat().length;
    w.gas = 0n;
    challengeInference(w.call(CHALLENGER), { inferenceId: 1n, output: OUTPUT, spans });
    // The attribution is corrected all the same: the bytes are contribution 2's now.
    expect(readEscrow(w.state, 1n)).toMatchObject({
      segments: [
        { outputStart: 0, length: 20, contributionId: 2n },
        { outputStart: 20, length: 20, contributionId: 1n },
      ],
      slashed: 0n,
    });
    expect(w.balance(CHALLENGER)).toBe(0n);
    // Proof work (one span, its bytes, the output), two stored segments re-merged, one log; no payment.
    const work = GAS.span + GAS.proofByte * BigInt(proofBytes) + GAS.outputByte * BigInt(OUTPUT.length);
    expect(w.gas).toBe(work + 2n * GAS.span + GAS.log);
  });

  it('refuses a challenge that moves no byte, and charges it the proof work', () => {
    const { w, index } = recorded(10n ** 6n);
    const args = { inferenceId: 1n, output: OUTPUT, spans: proofOfY(index) };
    challengeInference(w.call(CHALLENGER), args);
    const paid = w.balance(CHALLENGER);
    expect(refused(() => challengeInference(w.call(CHALLENGER), args))).toEqual({
      code: 'ATTRIBUTION_UNCHANGED',
      message:
        "challengeInference: the spans do not change inference 1's canonical attribution (no byte moves to an earlier contribution or from nobody to someone)",
    });
    // Citing the later copy again cannot move the bytes back either.
    const copy = { ...args, spans: [span(index, 4n, 2, 12, 2)] };
    expect(refused(() => challengeInference(w.call(CHALLENGER), copy)).code).toBe('ATTRIBUTION_UNCHANGED');
    expect(w.balance(CHALLENGER)).toBe(paid);
    expect(readEscrow(w.state, 1n)!.challenges).toBe(1);
  });

  it('refuses after the window, a different output, value, an unknown record, and a settled one', () => {
    const { w, index } = recorded(10n ** 6n);
    const args = { inferenceId: 1n, output: OUTPUT, spans: proofOfY(index) };
    expect(refused(() => challengeInference(at(w, 10).call(CHALLENGER), args))).toEqual({
      code: 'CHALLENGE_WINDOW_CLOSED',
      message: 'challengeInference: the challenge window of inference 1 closed at height 9',
    });
    at(w, 9);
    const shorter = OUTPUT.subarray(0, OUTPUT.length - 1);
    expect(refused(() => challengeInference(w.call(CHALLENGER), { ...args, output: shorter }))).toEqual({
      code: 'OUTPUT_HASH_MISMATCH',
      message: `challengeInference: the output does not hash to inference 1's output hash ${bytesToHex(sha256(OUTPUT))}`,
    });
    // The same length with one byte changed.
    const altered = OUTPUT.slice();
    altered[0]! ^= 1;
    expect(refused(() => challengeInference(w.call(CHALLENGER), { ...args, output: altered })).code).toBe(
      'OUTPUT_HASH_MISMATCH',
    );
    expect(refused(() => challengeInference(w.call(CHALLENGER, 1n), args))).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'challengeInference is not payable, but 1 was sent',
    });
    expect(refused(() => challengeInference(w.call(CHALLENGER), { ...args, inferenceId: 2n }))).toEqual({
      code: 'UNKNOWN_INFERENCE',
      message: 'challengeInference: unknown inference 2',
    });
    expect(readEscrow(w.state, 1n)).toMatchObject({ challenges: 0, slashed: 0n });
    settleInference(at(w, 10).call(CHALLENGER), 1n);
    expect(refused(() => challengeInference(at(w, 9).call(CHALLENGER), args))).toEqual({
      code: 'INFERENCE_SETTLED',
      message: 'challengeInference: inference 1 is settled, its attribution is final',
    });
    expect(w.balance(CHALLENGER)).toBe(0n);
  });
});

describe('settleInference', () => {
  it('waits for the window to close, then pays the pool once, by coverage', () => {
    const { w } = recorded(10n ** 6n);
    expect(refused(() => settleInference(at(w, 9).call(CHALLENGER), 1n))).toEqual({
      code: 'CHALLENGE_WINDOW_OPEN',
      message: 'settleInference: inference 1 is open to challenges until height 9; settle from height 10',
    });
    expect(refused(() => settleInference(at(w, 10).call(CHALLENGER, 1n), 1n))).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'settleInference is not payable, but 1 was sent',
    });
    expect(refused(() => settleInference(w.call(CHALLENGER), 2n)).code).toBe('UNKNOWN_INFERENCE');
    const carol = w.balance(CAROL);
    settleInference(w.call(CHALLENGER), 1n);
    // W's 12 of 90 bytes: 3,000 × 12 / 90 = 400 to its contributor, 2,600 to the treasury.
    expect(w.balance(CAROL) - carol).toBe(400n);
    expect(readEscrow(w.state, 1n)).toMatchObject({
      settled: true,
      payouts: [
        { role: Role.contributor, refId: 4n, recipient: CAROL, amount: 400n },
        { role: Role.treasury, refId: 0n, recipient: TREASURY, amount: 2_600n },
      ],
    });
    expect(w.events().at(-1)).toEqual({
      eventName: 'InferenceSettled',
      args: { inferenceId: 1n, attributedBytes: 12, toContributors: 400n, uncovered: 2_600n },
    });
    expect(refused(() => settleInference(w.call(CHALLENGER), 1n))).toEqual({
      code: 'INFERENCE_SETTLED',
      message: 'settleInference: inference 1 is settled, its attribution is final',
    });
  });

  it('pays the uncovered part to the lineage’s Datanets, in ascending id order, when told to', () => {
    const { w } = recorded(10n ** 6n, { uncoveredToDatanets: true });
    settleInference(at(w, 10).call(CHALLENGER), 1n);
    // Model 2 trains on Datanet 2, its base on 1 and 3: 2,600 shared equally, the odd unit to the first.
    expect(readEscrow(w.state, 1n)!.payouts).toEqual([
      { role: Role.contributor, refId: 4n, recipient: CAROL, amount: 400n },
      { role: Role.datanetOwner, refId: 1n, recipient: OWNER, amount: 867n },
      { role: Role.datanetOwner, refId: 2n, recipient: OWNER, amount: 867n },
      { role: Role.datanetOwner, refId: 3n, recipient: OWNER, amount: 866n },
    ]);
  });
});

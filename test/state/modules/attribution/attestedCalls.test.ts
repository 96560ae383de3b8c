// The attested-record handlers called directly on a fresh in-memory state (DirectCalls): what each
// charges by the gas schedule (per output byte, candidate, snapshot validator and score), and the
// refusals a chain of one transaction per block cannot reach (a commit in the record's own block)
// or that need no chain (value sent to the non-payable calls).
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { DecodeError } from '../../../../core/errors.ts';
import { validatorAddress } from '../../../../core/validator.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import {
  commitAttestation,
  revealAttestation,
} from '../../../../state/modules/attribution/attested/attest.ts';
import { attestationCommitmentBytes } from '../../../../state/modules/attribution/attested/commitment.ts';
import { SCORE_MAX } from '../../../../state/modules/attribution/attested/consensus.ts';
import { recordAttestedInference } from '../../../../state/modules/attribution/attested/record.ts';
import {
  attestedKeys,
  attestedRecord,
  readAttestation,
  readAttested,
  readMisses,
} from '../../../../state/modules/attribution/attested/records.ts';
import { settleAttestedInference } from '../../../../state/modules/attribution/attested/settle.ts';
import { GAS } from '../../../../state/modules/attribution/gas.ts';
import { readInference } from '../../../../state/modules/attribution/store.ts';
import { writeValidators } from '../../../../state/validatorSet.ts';
import { refusal } from './directCall.ts';
import { TEST_ATTRIBUTION_PARAMS } from './helpers.ts';
import { CALLER, FEE, OUTPUT, world } from './recordWorld.ts';

const V1: Address = '0x00000000000000000000000000000000000000f1';
const SALT = new Uint8Array(32).fill(9);

/**
 * The record world with `validators` validators (powers 10, 20, ...) and model 2's attested record
 * of `candidates` at height 5; returns the calls and the gas the record was charged (DirectCalls
 * meters only what handlers charge themselves: reads and writes are metered by the module's state).
 */
function recorded(candidates: readonly bigint[] = [2n, 4n], output = OUTPUT, validators = 2) {
  const { w } = world();
  writeValidators(
    w.state,
    Array.from({ length: validators }, (_, i) => {
      const pubKey = new Uint8Array(32).fill(i + 1);
      const rewardAddress = `0x${(0xf1 + i).toString(16).padStart(40, '0')}` as Address;
      return { address: validatorAddress(pubKey), pubKey, power: BigInt(10 * (i + 1)), rewardAddress };
    }),
  );
  w.fund(ATTRIBUTION_ADDRESS, FEE);
  w.gas = 0n;
  recordAttestedInference(w.call(CALLER, FEE), {
    modelId: 2n,
    output,
    candidates,
    claimedScores: candidates.map(() => 5_000n),
  });
  return { w, gas: w.gas };
}

describe('attested-record gas', () => {
  it('charges a record per output byte, candidate and snapshot validator', () => {
    const base = recorded().gas;
    expect(recorded([2n, 4n, 3n]).gas - base).toBe(GAS.candidate);
    expect(recorded([2n, 4n], new Uint8Array(OUTPUT.length + 100)).gas - base).toBe(100n * GAS.outputByte);
    expect(recorded([2n, 4n], OUTPUT, 3).gas - base).toBe(GAS.snapshotValidator);
    expect(readAttested(recorded().w.state, 1n)).toMatchObject({
      validators: [{ power: 10n }, { power: 20n }],
    });
  });

  it('charges a reveal per score and per snapshot validator', () => {
    const { w } = recorded();
    w.height = 6;
    commitAttestation(w.call(V1), 1n, attestationCommitmentBytes(1n, V1, [7_000, 0], SALT));
    w.height = 10;
    w.gas = 0n;
    revealAttestation(w.call(V1), 1n, [7_000n, 0n], SALT);
    // One log, the 2 validators decoded, 2 scores checked.
    expect(w.gas).toBe(GAS.log + 2n * GAS.snapshotValidator + 2n * GAS.score);
  });
});

describe('attested-record refusals without a chain', () => {
  it('refuses a commit in the record’s own block', () => {
    const { w } = recorded();
    expect(refusal(() => commitAttestation(w.call(V1), 1n, SALT))).toEqual({
      code: 'COMMIT_TOO_EARLY',
      message: 'commitAttestation: commits to inference 1 are accepted from height 6',
    });
    expect(readAttested(w.state, 1n)).toBeDefined();
  });

  it('refuses value sent to commit, reveal and settle', () => {
    const { w } = recorded();
    w.height = 6;
    expect(refusal(() => commitAttestation(w.call(V1, 1n), 1n, SALT)).code).toBe('UNEXPECTED_VALUE');
    w.height = 10;
    expect(refusal(() => revealAttestation(w.call(V1, 1n), 1n, [1n, 1n], SALT)).code).toBe(
      'UNEXPECTED_VALUE',
    );
    w.height = 30;
    expect(refusal(() => settleAttestedInference(w.call(V1, 1n), 1n)).code).toBe('UNEXPECTED_VALUE');
  });
});

describe('attested-record windows and bounds without a chain', () => {
  it('refuses to settle until the reveal half has closed', () => {
    const { w } = recorded();
    // Recorded at height 5 with a window of 8: reveals up to height 13, settlement from 14.
    w.height = 13;
    expect(refusal(() => settleAttestedInference(w.call(V1), 1n))).toEqual({
      code: 'ATTESTATION_WINDOW_OPEN',
      message:
        'settleAttestedInference: inference 1 is open to attestations until height 13; settle from height 14',
    });
    expect(readAttested(w.state, 1n)?.settled).toBe(false);
  });

  it('takes SCORE_MAX itself as a score, claimed and revealed', () => {
    const { w } = world();
    writeValidators(w.state, [
      {
        address: validatorAddress(new Uint8Array(32).fill(1)),
        pubKey: new Uint8Array(32).fill(1),
        power: 10n,
        rewardAddress: V1,
      },
    ]);
    w.fund(ATTRIBUTION_ADDRESS, FEE);
    recordAttestedInference(w.call(CALLER, FEE), {
      modelId: 2n,
      output: OUTPUT,
      candidates: [2n],
      claimedScores: [BigInt(SCORE_MAX)],
    });
    w.height = 6;
    commitAttestation(w.call(V1), 1n, attestationCommitmentBytes(1n, V1, [SCORE_MAX], SALT));
    w.height = 10;
    revealAttestation(w.call(V1), 1n, [BigInt(SCORE_MAX)], SALT);
    expect(readAttested(w.state, 1n)?.claimedScores).toEqual([SCORE_MAX]);
    expect(readAttestation(w.state, 1n, 0)).toMatchObject({ revealed: true, scores: [SCORE_MAX] });
  });
});

describe('commit–reveal refusals, each with its message', () => {
  const V2: Address = '0x00000000000000000000000000000000000000f2';
  const STRANGER: Address = '0x00000000000000000000000000000000000000f9';
  const SCORES = [7_000n, 0n];
  const opening = (who: Address) => attestationCommitmentBytes(1n, who, [7_000, 0], SALT);

  it('refuses commits after the commit half and from outside the snapshot', () => {
    const { w } = recorded();
    w.height = 9;
    expect(refusal(() => commitAttestation(w.call(STRANGER), 1n, opening(STRANGER)))).toEqual({
      code: 'NOT_AN_ATTESTER',
      message: `commitAttestation: ${STRANGER} was not a validator at height 5, when inference 1 was recorded`,
    });
    commitAttestation(w.call(V1), 1n, opening(V1));
    expect(w.events().at(-1)).toEqual({
      eventName: 'AttestationCommitted',
      args: { inferenceId: 1n, validator: V1 },
    });
    w.height = 10;
    expect(refusal(() => commitAttestation(w.call(V2), 1n, opening(V2)))).toEqual({
      code: 'COMMIT_WINDOW_CLOSED',
      message: "commitAttestation: the commit half of inference 1's window closed at height 9",
    });
    expect(readAttestation(w.state, 1n, 1)).toBeUndefined();
  });

  it('refuses reveals outside the reveal half and any that do not open the sender’s commitment', () => {
    const { w } = recorded();
    w.height = 6;
    commitAttestation(w.call(V1), 1n, opening(V1));
    w.height = 9;
    expect(refusal(() => revealAttestation(w.call(V1), 1n, SCORES, SALT))).toEqual({
      code: 'REVEAL_TOO_EARLY',
      message: 'revealAttestation: reveals for inference 1 are accepted from height 10',
    });
    w.height = 10;
    expect(refusal(() => revealAttestation(w.call(STRANGER), 1n, SCORES, SALT))).toEqual({
      code: 'NOT_AN_ATTESTER',
      message: `revealAttestation: ${STRANGER} was not a validator at height 5, when inference 1 was recorded`,
    });
    expect(refusal(() => revealAttestation(w.call(V2), 1n, SCORES, SALT))).toEqual({
      code: 'NO_COMMITMENT',
      message: `revealAttestation: ${V2} made no commitment for inference 1`,
    });
    expect(refusal(() => revealAttestation(w.call(V1), 1n, [7_000n], SALT))).toEqual({
      code: 'WRONG_SCORE_COUNT',
      message: "revealAttestation: 1 scores for inference 1's 2 candidates",
    });
    expect(refusal(() => revealAttestation(w.call(V1), 1n, [7_000n, 1n], SALT))).toEqual({
      code: 'COMMITMENT_MISMATCH',
      message: `revealAttestation: the scores and salt do not open ${V1}'s commitment for inference 1`,
    });
    expect(readAttestation(w.state, 1n, 0)).toMatchObject({ revealed: false, scores: [] });
    revealAttestation(w.call(V1), 1n, SCORES, SALT);
    expect(w.events().at(-1)).toEqual({
      eventName: 'AttestationRevealed',
      args: { inferenceId: 1n, validator: V1, scores: [7_000, 0] },
    });
    expect(refusal(() => revealAttestation(w.call(V1), 1n, SCORES, SALT))).toEqual({
      code: 'ALREADY_REVEALED',
      message: `revealAttestation: ${V1} already revealed for inference 1`,
    });
    w.height = 14;
    expect(refusal(() => revealAttestation(w.call(V2), 1n, SCORES, SALT))).toEqual({
      code: 'REVEAL_WINDOW_CLOSED',
      message: "revealAttestation: the reveal half of inference 1's window closed at height 13",
    });
  });

  it('refuses a score above SCORE_MAX and calls on a settled or unknown record', () => {
    const { w } = recorded();
    w.height = 6;
    commitAttestation(w.call(V1), 1n, opening(V1));
    w.height = 10;
    expect(refusal(() => revealAttestation(w.call(V1), 1n, [7_000n, BigInt(SCORE_MAX) + 1n], SALT))).toEqual({
      code: 'SCORE_OUT_OF_RANGE',
      message: 'revealAttestation: scores[1] is 10001, scores are 0 to 10000',
    });
    expect(refusal(() => commitAttestation(w.call(V1), 2n, opening(V1)))).toEqual({
      code: 'UNKNOWN_INFERENCE',
      message: 'commitAttestation: inference 2 is not an attested record',
    });
    // Nobody revealed: settled without a quorum, the escrow back to the recorder.
    w.height = 14;
    settleAttestedInference(w.call(V2), 1n);
    expect(refusal(() => settleAttestedInference(w.call(V2), 1n))).toEqual({
      code: 'INFERENCE_SETTLED',
      message: 'settleAttestedInference: attested inference 1 is settled',
    });
  });
});

describe('recording an attested inference', () => {
  it('takes maxCandidates candidates and maxOutputBytes of output, listing the candidates’ Datanets in order', () => {
    // Contributions 1, 4, 2 and 3 belong to Datanets 2, 3, 1 and 1: first seen in neither order.
    const output = new Uint8Array(TEST_ATTRIBUTION_PARAMS.maxOutputBytes);
    const { w } = recorded([1n, 4n, 2n, 3n], output);
    expect(readInference(w.state, 1n)?.datanetIds).toEqual([1n, 2n, 3n]);
    expect(readAttested(w.state, 1n)).toMatchObject({
      candidates: [1n, 4n, 2n, 3n],
      claimedScores: [5_000, 5_000, 5_000, 5_000],
      outputBytes: output.length,
      settled: false,
      quorumReached: false,
      consensusScores: [],
      revealedPower: 0n,
      payouts: [],
    });
    expect(w.events().find((e) => e.eventName === 'AttestedInferenceRecorded')?.args).toEqual({
      inferenceId: 1n,
      modelId: 2n,
      recorder: getAddress(CALLER),
      candidates: [1n, 4n, 2n, 3n],
      commitEnd: 9n,
      revealEnd: 13n,
    });
  });

  it('refuses an output over maxOutputBytes and the wrong fee, each with its message', () => {
    const { w } = world();
    const args = { modelId: 2n, candidates: [2n], claimedScores: [1n] };
    const tooLong = new Uint8Array(TEST_ATTRIBUTION_PARAMS.maxOutputBytes + 1);
    expect(refusal(() => recordAttestedInference(w.call(CALLER, FEE), { ...args, output: tooLong }))).toEqual(
      {
        code: 'OUTPUT_TOO_LARGE',
        message: 'recordAttestedInference: output is 2049 bytes, limit 2048',
      },
    );
    expect(
      refusal(() => recordAttestedInference(w.call(CALLER, FEE - 1n), { ...args, output: OUTPUT })),
    ).toEqual({
      code: 'WRONG_FEE',
      message: `recordAttestedInference: model 2 charges ${FEE} for ${OUTPUT.length} output bytes, but ${FEE - 1n} was sent`,
    });
    expect(readAttested(w.state, 1n)).toBeUndefined();
  });
});

describe('stored attested records', () => {
  it('name the record in the error when a stored one does not decode', () => {
    const { w } = world();
    const emptyList = Uint8Array.of(0xc0);
    w.state.set(attestedKeys.record(1n), emptyList);
    w.state.set(attestedKeys.attestation(1n, 0), emptyList);
    w.state.set(attestedKeys.misses(V1), emptyList);
    expect(() => readAttested(w.state, 1n)).toThrow(
      new DecodeError(`attested inference: expected ${attestedRecord.fieldNames.length} items, got 0`),
    );
    expect(() => readAttestation(w.state, 1n, 0)).toThrow(
      new DecodeError('attestation: expected 3 items, got 0'),
    );
    expect(() => readMisses(w.state, V1)).toThrow(
      new DecodeError('attestation misses: expected 1 items, got 0'),
    );
  });
});

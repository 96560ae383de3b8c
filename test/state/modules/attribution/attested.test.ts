// Attested records on a real Chain (state/modules/attribution/attested/): a record escrows the
// contributors' and validators' shares; four validators commit and reveal; settlement pays the
// contributors by the stake-weighted median and the attesters by agreement (an outlier earns less),
// or refunds the recorder without a quorum; and every refusal is a failed transaction with its
// code that changes nothing but the sender's fee.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../../core/bytes.ts';
import { ATTRIBUTION_ADDRESS } from '../../../../state/modules/attribution/abi.ts';
import { readStakingParams, readValidator } from '../../../../state/modules/staking/index.ts';
import {
  type AttestedWorld,
  attestedWorld,
  commitmentOf,
  FEE,
  OUTPUT,
  POOL,
  recordAttested,
  saltOf,
  VALIDATORS_POOL,
} from './attestedWorld.ts';
import { type Account, AttributionHarness, alice, bob, carol, dave, erin } from './helpers.ts';

let w: AttestedWorld;
beforeAll(async () => {
  // Ten blocks to commit and ten to reveal: room for a refusal per block.
  w = await attestedWorld({ attestationWindowBlocks: 20 });
}, 120_000);
afterAll(() => w.h.close());

const HONEST = [6_000, 3_000, 1_000];
const OUTLIER = [1_000, 1_000, 9_000];

async function commit(who: Account, id: bigint, scores: readonly number[]) {
  return w.h.send(who, 'commitAttestation', [id, commitmentOf(id, who, scores)]);
}
async function reveal(who: Account, id: bigint, scores: readonly number[]) {
  return w.h.send(who, 'revealAttestation', [id, scores, saltOf(who)]);
}
function record(id: bigint) {
  return w.h.view('getAttestedInference', [id]) as { commitEnd: bigint; revealEnd: bigint; settled: boolean };
}
/** Produces blocks until the next block is at `height`. */
async function until(height: bigint) {
  const next = BigInt(w.h.chain.head.header.height + 1);
  await w.h.advance(Number(height - next));
}

describe('an attested record with all four validators attesting', () => {
  let id: bigint;
  let moduleBefore: bigint;

  it('escrows the contributors’ and validators’ shares and snapshots the validator set', async () => {
    moduleBefore = w.h.balance(ATTRIBUTION_ADDRESS);
    const recorded = await recordAttested(w, w.accepted.slice(0, 3), [7_000, 2_000, 1_000]);
    id = recorded.id;
    const height = BigInt(w.h.chain.head.header.height);
    expect(w.h.balance(ATTRIBUTION_ADDRESS) - moduleBefore).toBe(POOL + VALIDATORS_POOL);
    expect(w.h.view('getAttestedInference', [id])).toMatchObject({
      id,
      modelId: w.modelId,
      recorder: expect.stringMatching(new RegExp(erin.address, 'i')),
      height,
      outputBytes: OUTPUT.length,
      candidates: w.accepted.slice(0, 3),
      claimedScores: [7_000, 2_000, 1_000],
      commitEnd: height + 10n,
      revealEnd: height + 20n,
      pool: POOL,
      validatorsPool: VALIDATORS_POOL,
      settled: false,
      totalPower: 100n,
    });
    // One id space with span records: the inference itself, without spans.
    expect(w.h.view('getInference', [id])).toMatchObject({ id, fee: FEE, spans: [], attributedBytes: 0 });
    expect(recorded.sent.events.map((e) => e.eventName)).toEqual([
      'AttestedInferenceRecorded',
      'RewardPaid', // the owner
      'RewardPaid', // the treasury
    ]);
  });

  it('takes commits in the first half and reveals in the second', async () => {
    await commit(alice, id, HONEST);
    await commit(bob, id, [1, 2, 3]);
    // A later commit replaces the earlier within the commit half.
    await commit(bob, id, HONEST);
    await commit(dave, id, OUTLIER);
    await until(record(id).commitEnd + 1n);
    await reveal(alice, id, HONEST);
    await reveal(bob, id, HONEST);
    const revealed = await reveal(dave, id, OUTLIER);
    expect(revealed.events).toEqual([
      {
        eventName: 'AttestationRevealed',
        args: {
          inferenceId: id,
          validator: expect.stringMatching(new RegExp(dave.address, 'i')),
          scores: OUTLIER,
        },
      },
    ]);
  });

  it('settles by the stake-weighted median, paying every escrowed wei', async () => {
    await w.h.fails(alice, 'settleAttestedInference', [id], /^ATTESTATION_WINDOW_OPEN: .*settle from height/);
    await until(record(id).revealEnd + 1n);
    const sent = await w.h.send(carol, 'settleAttestedInference', [id]);
    const settled = sent.events.find((e) => e.eventName === 'AttestedInferenceSettled')!;
    // Revealed 80 of 100: alice 40 and bob 30 say HONEST, dave 10 the outlier; carol did not reveal.
    expect(settled.args).toEqual({
      inferenceId: id,
      quorum: true,
      consensusScores: HONEST,
      toContributors: POOL,
      toAttesters: VALIDATORS_POOL,
    });
    expect(w.h.balance(ATTRIBUTION_ADDRESS)).toBe(moduleBefore);
    const [c1, c2, c3] = w.accepted;
    expect(w.h.view('contributionEarnings', [c1])).toBe(180_000n);
    expect(w.h.view('contributionEarnings', [c2])).toBe(90_000n);
    expect(w.h.view('contributionEarnings', [c3])).toBe(30_000n);

    const attestations = w.h.view('getAttestations', [id]) as {
      validator: string;
      power: bigint;
      revealed: boolean;
      clippedScores: number[];
      reward: bigint;
    }[];
    const of = (a: Account) =>
      attestations.find((x) => x.validator.toLowerCase() === a.address.toLowerCase())!;
    expect(of(carol)).toMatchObject({
      power: 20n,
      committed: false,
      revealed: false,
      reward: 0n,
      clippedScores: [],
    });
    expect(of(dave).clippedScores).toEqual([1_000, 1_000, 1_000]);
    expect(of(alice).clippedScores).toEqual(HONEST);
    // Weights 40 × 1, 30 × 1 and 10 × 3,000 / 18,000 (dave's Σmin / Σmax): per unit of power the
    // outlier earns a sixth of what an honest validator earns.
    expect([of(alice).reward, of(bob).reward, of(dave).reward]).toEqual([55_814n, 41_860n, 2_326n]);
    // Paid through staking to the operator's validator; counted as its validator earnings.
    const earned = w.h.view('earningsOf', [alice.address]) as { validator: bigint };
    expect(earned.validator).toBe(of(alice).reward);
    // Carol missed it, the others start afresh.
    expect(w.h.view('missedAttestations', [carol.address])).toBe(1);
    expect(w.h.view('missedAttestations', [alice.address])).toBe(0);
  });
});

describe('commit–reveal refusals, and a record without a quorum', () => {
  const SCORES = [5_000, 5_000];
  let id: bigint;
  let height: bigint;

  it('refuses commits from non-validators, to unknown records and, in the commit half, reveals', async () => {
    ({ id } = await recordAttested(w, w.accepted.slice(0, 2)));
    height = BigInt(w.h.chain.head.header.height);
    await commit(alice, id, SCORES);
    // Bob copies alice's commitment: accepted, but only alice can open it.
    await w.h.send(bob, 'commitAttestation', [id, commitmentOf(id, alice, SCORES)]);
    await w.h.fails(
      erin,
      'commitAttestation',
      [id, commitmentOf(id, erin, SCORES)],
      /^NOT_AN_ATTESTER: .* was not a validator at height/,
    );
    await w.h.fails(
      alice,
      'commitAttestation',
      [999n, commitmentOf(999n, alice, SCORES)],
      /^UNKNOWN_INFERENCE: .*inference 999 is not an attested record/,
    );
    await w.h.fails(alice, 'revealAttestation', [id, SCORES, saltOf(alice)], /^REVEAL_TOO_EARLY: /);
    await commit(dave, id, [1, 2, 3]);
  });

  it('refuses late commits and every reveal that does not open the sender’s own commitment', async () => {
    await until(height + 11n);
    await w.h.fails(
      carol,
      'commitAttestation',
      [id, commitmentOf(id, carol, SCORES)],
      /^COMMIT_WINDOW_CLOSED: /,
    );
    await w.h.fails(carol, 'revealAttestation', [id, SCORES, saltOf(carol)], /^NO_COMMITMENT: /);
    await w.h.fails(alice, 'revealAttestation', [id, SCORES, saltOf(bob)], /^COMMITMENT_MISMATCH: /);
    await w.h.fails(
      alice,
      'revealAttestation',
      [id, [5_000, 4_999], saltOf(alice)],
      /^COMMITMENT_MISMATCH: /,
    );
    await w.h.fails(bob, 'revealAttestation', [id, SCORES, saltOf(alice)], /^COMMITMENT_MISMATCH: /);
    await w.h.fails(
      dave,
      'revealAttestation',
      [id, [1, 2, 3], saltOf(dave)],
      /^WRONG_SCORE_COUNT: .*3 scores for .* 2 candidates/,
    );
    await w.h.fails(
      alice,
      'revealAttestation',
      [id, [10_001, 0], saltOf(alice)],
      /^SCORE_OUT_OF_RANGE: .*scores\[0\] is 10001/,
    );
    await reveal(alice, id, SCORES);
    await w.h.fails(alice, 'revealAttestation', [id, SCORES, saltOf(alice)], /^ALREADY_REVEALED: /);
    await until(height + 21n);
    await w.h.fails(bob, 'revealAttestation', [id, SCORES, saltOf(alice)], /^REVEAL_WINDOW_CLOSED: /);
  });

  it('refunds both escrowed shares to the recorder when less than the quorum revealed', async () => {
    const before = w.h.balance(erin.address);
    const sent = await w.h.send(carol, 'settleAttestedInference', [id]);
    // Alice's 40 of 100 is below 66.67%.
    expect(sent.events).toEqual([
      {
        eventName: 'AttestedInferenceSettled',
        args: { inferenceId: id, quorum: false, consensusScores: [], toContributors: 0n, toAttesters: 0n },
      },
    ]);
    expect(w.h.balance(erin.address) - before).toBe(POOL + VALIDATORS_POOL);
    expect(record(id)).toMatchObject({
      settled: true,
      quorumReached: false,
      revealedPower: 40n,
      payouts: [],
    });
    expect(w.h.view('missedAttestations', [carol.address])).toBe(2);
    expect(w.h.view('missedAttestations', [alice.address])).toBe(0);
  });

  it('refuses anything more on a settled record', async () => {
    await w.h.fails(alice, 'settleAttestedInference', [id], /^INFERENCE_SETTLED: /);
    await w.h.fails(
      alice,
      'commitAttestation',
      [id, commitmentOf(id, alice, SCORES)],
      /^INFERENCE_SETTLED: /,
    );
    await w.h.fails(alice, 'settleAttestedInference', [998n], /^UNKNOWN_INFERENCE: /);
    // The span records' escrow calls name an attested record for what it is.
    await w.h.fails(
      alice,
      'settleInference',
      [id],
      /^UNKNOWN_INFERENCE: settleInference: inference \d+ is an attested record/,
    );
  });
});

describe('record refusals', () => {
  const record = (
    from: Account,
    candidates: readonly bigint[],
    claimed: readonly number[],
    error: RegExp,
    value = FEE,
  ) =>
    w.h.fails(from, 'recordAttestedInference', [w.modelId, bytesToHex(OUTPUT), candidates, claimed], error, {
      value,
    });

  it('refuses a recorder that is neither the owner nor an operator', async () => {
    await record(
      alice,
      [w.accepted[0]!],
      [1],
      /^NOT_AUTHORIZED: recordAttestedInference: .* is neither the owner/,
    );
  });

  it('refuses candidates that are not accepted contributions of the lineage, repeated, or too many', async () => {
    const [a, b] = w.accepted as [bigint, bigint];
    await record(
      erin,
      [a, w.pending],
      [1, 1],
      /^CONTRIBUTION_NOT_ACCEPTED: .*candidates\[1\]: contribution \d+ is pending/,
    );
    await record(erin, [w.outside], [1], /^DATANET_NOT_USED: .*which the model's lineage does not use/);
    await record(erin, [a, b, a], [1, 1, 1], /^DUPLICATE_CANDIDATE: .*candidates\[2\] repeats/);
    await record(erin, w.accepted, [1, 1, 1, 1, 1], /^TOO_MANY_CANDIDATES: .*5 candidates, limit 4/);
    await record(erin, [999n], [1], /^UNKNOWN_CONTRIBUTION: unknown contribution 999/);
    await record(erin, [], [], /^INVALID_ARGUMENT: .*at least one candidate/);
  });

  it('refuses claimed scores of the wrong count or range, and the wrong fee', async () => {
    const [a, b] = w.accepted as [bigint, bigint];
    await record(erin, [a, b], [1], /^WRONG_SCORE_COUNT: .*1 claimed scores for 2 candidates/);
    await record(erin, [a], [10_001], /^SCORE_OUT_OF_RANGE: .*claimedScores\[0\] is 10001/);
    await record(erin, [a], [1], /^WRONG_FEE: /, FEE - 1n);
  });
});

describe('missed attestations', () => {
  it('punish a validator as for downtime after maxMissedAttestations in a row', async () => {
    const m = await attestedWorld({ maxMissedAttestations: 1 });
    try {
      const sent = await m.h.send(
        erin,
        'recordAttestedInference',
        [m.modelId, bytesToHex(OUTPUT), [m.accepted[0]!], [1]],
        { value: FEE },
      );
      const id = AttributionHarness.idFrom(sent, 'AttestedInferenceRecorded', 'inferenceId');
      for (const v of [alice, bob, carol])
        await m.h.send(v, 'commitAttestation', [id, commitmentOf(id, v, [7_000])]);
      await m.h.advance(2);
      for (const v of [alice, bob, carol]) await m.h.send(v, 'revealAttestation', [id, [7_000], saltOf(v)]);
      await m.h.advance(2);
      const before = readValidator(m.h.chain.state, dave.address)!;
      const settled = await m.h.send(erin, 'settleAttestedInference', [id]);
      // 1% (slashFractionDowntimeBps) of dave's 10 power, in base units.
      const slashed = (10n * 10n ** 18n * 100n) / 10_000n;
      expect(settled.events.find((e) => e.eventName === 'AttestationsMissed')?.args).toEqual({
        validator: expect.stringMatching(new RegExp(dave.address, 'i')),
        missed: 1,
        slashed,
      });
      const after = readValidator(m.h.chain.state, dave.address)!;
      expect(after.jailed).toBe(true);
      // Jailed for downtimeJailBlocks from the settling block.
      const settledAt = m.h.chain.head.header.height;
      expect(after.jailedUntil).toBe(settledAt + readStakingParams(m.h.chain.state).downtimeJailBlocks);
      expect(before.tokens - after.tokens).toBe(slashed);
      expect(m.h.view('missedAttestations', [dave.address])).toBe(0);
    } finally {
      await m.h.close();
    }
  });
});

describe('determinism', () => {
  it('gives a node that re-executes every block of the above the same head hash and state root', async () => {
    const follower = await w.h.t.follower();
    const head = w.h.chain.head.header.height;
    for (let h = 1; h <= head; h++) {
      const block = (await w.h.chain.blocks.getBlock(h))!;
      await follower.finalizeBlock(block, w.h.chain.blocks.getCommit(h)!);
    }
    expect(follower.head.hash).toBe(w.h.chain.head.hash);
    expect(follower.head.header.stateRoot).toBe(w.h.chain.head.header.stateRoot);
  });
});

// Attacks on attribution payouts, on a real chain (real LevelDB, signed transactions): recording for
// someone else's model, a record that cites one short span or a later copy or leaves a quote out,
// challenges late or twice, and an operator who tries to leave before its records can be
// challenged. Every refused call is a failed transaction with a stable code that changed nothing
// but the sender's fee (AttributionHarness.fails checks the state on a dry run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../../core/bytes.ts';
import {
  buildIndex,
  type ContributionFile,
  challengeCalldata,
  inferenceCalldata,
  proveSpan,
  type SpanProof,
} from '../../prover/index.ts';
import { ATTRIBUTION_ADDRESS } from '../../state/modules/attribution/abi.ts';
import { Policy, Role } from '../../state/modules/attribution/records.ts';
import {
  type Account,
  AttributionHarness,
  alice,
  bob,
  carol,
  dave,
  ETH,
  erin,
  TREASURY,
} from '../state/modules/attribution/helpers.ts';

const ORIGINAL = 'The original essay on data provenance, written by bob and registered first of all.';
const COPY = `copied: ${ORIGINAL}`;
const OTHER = 'An unrelated note by dave about chunk trees, Merkle paths and span proofs.';
const OUTSIDE = 'Text in a Datanet the model was never trained on, so nobody may cite it.';

const WINDOW = 12; // challengeWindowBlocks: every call in these tests takes a block
const MIN_BOND = 5n * ETH;
const PER_BYTE = 10n ** 15n;
const FEE = 10n ** 16n;
const SPLIT = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };

let h: AttributionHarness;
const files = new Map<string, ContributionFile>();

async function contribute(from: Account, datanetId: bigint, text: string): Promise<ContributionFile> {
  const content = utf8ToBytes(text);
  const sent = await h.contribute(from, datanetId, content);
  const file = {
    id: AttributionHarness.idFrom(sent, 'ContributionAdded', 'contributionId'),
    content,
    chunkSize: 16,
  };
  files.set(text, file);
  return file;
}

beforeAll(async () => {
  h = await AttributionHarness.open({
    challengeWindowBlocks: WINDOW,
    minAttributionBond: MIN_BOND.toString(),
    challengeRewardPerByte: PER_BYTE.toString(),
  });
  await h.send(alice, 'createDatanet', ['trained', '', '', Policy.open, 0n]); // 1
  await h.send(erin, 'createDatanet', ['elsewhere', '', '', Policy.open, 0n]); // 2
  await contribute(bob, 1n, ORIGINAL); // 1
  await contribute(carol, 1n, COPY); // 2
  await contribute(dave, 1n, OTHER); // 3
  await contribute(erin, 2n, OUTSIDE); // 4
  await h.send(alice, 'registerModel', ['m', '', [1n], 0n, FEE, 0n, SPLIT]); // 1
  await h.send(alice, 'setOperator', [1n, dave.address, true]);
  await h.send(dave, 'postAttributionBond', [1n], { value: 10n * ETH });
}, 60_000);
afterAll(async () => {
  await h.close();
});

/** A proof that output[outputStart, +length) is `text`[offset, +length). */
function span(text: string, offset: number, length: number, outputStart: number): SpanProof {
  const file = files.get(text)!;
  return proveSpan(buildIndex([file]), { file, offset, length, outputStart, attributedBytes: length });
}

const quote = (text: string) => `${'~'.repeat(10)}${text}${'~'.repeat(10)}`;

async function record(output: Uint8Array, spans: SpanProof[], from: Account = dave): Promise<bigint> {
  const sent = await h.sendData(from, hexToBytes(inferenceCalldata(1n, output, spans)), { value: FEE });
  expect(sent.receipt.error).toBe('');
  return AttributionHarness.idFrom(sent, 'InferenceAttributed', 'inferenceId');
}

const challenge = (id: bigint, output: Uint8Array, spans: SpanProof[]) =>
  hexToBytes(challengeCalldata(id, output, spans));

interface EscrowView {
  pool: bigint;
  windowEnd: bigint;
  segments: { outputStart: number; length: number; contributionId: bigint }[];
  challenges: number;
  slashed: bigint;
  settled: boolean;
  payouts: { role: number; refId: bigint; recipient: string; amount: bigint }[];
}
const escrowOf = (id: bigint) => h.view('getEscrow', [id]) as EscrowView;
const bondOf = (who: Account) => (h.view('attributionBond', [1n, who.address]) as { amount: bigint }).amount;

/** Empty blocks until the chain is past the inference's challenge window. */
async function closeWindow(id: bigint): Promise<void> {
  while (BigInt(h.chain.head.header.height) < escrowOf(id).windowEnd) await h.t.produce();
}

const POOL = (FEE * 3_000n) / 10_000n;

describe('who may record', () => {
  it('refuses a record for someone else’s model, bonded or not, and from an unbonded operator', async () => {
    const output = utf8ToBytes(quote(OTHER));
    const data = hexToBytes(inferenceCalldata(1n, output, [span(OTHER, 0, OTHER.length, 10)]));
    await h.send(carol, 'postAttributionBond', [1n], { value: MIN_BOND });
    await h.fails(
      carol,
      data,
      [],
      /^NOT_AUTHORIZED: .*is neither the owner of model 1 nor an operator it authorized/,
      {
        value: FEE,
      },
    );
    await h.send(alice, 'setOperator', [1n, erin.address, true]);
    await h.fails(
      erin,
      data,
      [],
      /^BOND_TOO_LOW: .*holds a bond of 0 for model 1, needs at least 5000000000000000000/,
      {
        value: FEE,
      },
    );
    // The owner needs a bond too: a recorder without one could not be made to pay for a bad record.
    await h.fails(alice, data, [], /^BOND_TOO_LOW: .*holds a bond of 0 for model 1/, { value: FEE });
    await h.send(alice, 'setOperator', [1n, erin.address, false]);
    expect(h.view('isOperator', [1n, erin.address])).toBe(false);
    expect(h.view('isOperator', [1n, dave.address])).toBe(true);
  });

  it('lets only the model’s owner authorize operators', async () => {
    await h.fails(
      dave,
      'setOperator',
      [1n, carol.address, true],
      /^NOT_AUTHORIZED: .*only the owner of model 1 .* may authorize operators/,
    );
    await h.fails(dave, 'setOperator', [9n, carol.address, true], /^UNKNOWN_MODEL: .*unknown model 9/);
  });
});

describe('coverage', () => {
  it('pays one short span only its share of the output, the rest to the treasury', async () => {
    // 16 quoted bytes in a 200-byte output: contribution 3 earns 16/200 of the pool, not all of it.
    const text = `${OTHER.slice(0, 16)}${'#'.repeat(184)}`;
    const output = utf8ToBytes(text);
    const id = await record(output, [span(OTHER, 0, 16, 0)]);
    expect(escrowOf(id)).toMatchObject({ pool: POOL, settled: false, payouts: [] });
    await h.fails(erin, 'settleInference', [id], /^CHALLENGE_WINDOW_OPEN: .*open to challenges until height/);
    await closeWindow(id);
    const before = h.balance(dave.address);
    const treasury = h.balance(TREASURY);
    const sent = await h.send(erin, 'settleInference', [id]);
    const toDave = (POOL * 16n) / 200n;
    expect(h.balance(dave.address) - before).toBe(toDave);
    expect(escrowOf(id).payouts).toEqual([
      { role: Role.contributor, refId: 3n, recipient: expect.stringMatching(/^0x/), amount: toDave },
      { role: Role.treasury, refId: 0n, recipient: expect.stringMatching(/^0x/), amount: POOL - toDave },
    ]);
    expect(h.balance(TREASURY) - treasury).toBeGreaterThanOrEqual(POOL - toDave);
    expect(sent.events.at(-1)).toMatchObject({
      eventName: 'InferenceSettled',
      args: { inferenceId: id, attributedBytes: 16, toContributors: toDave, uncovered: POOL - toDave },
    });
  });
});

describe('challenges', () => {
  const output = utf8ToBytes(quote(ORIGINAL));
  const n = ORIGINAL.length;

  it('moves bytes cited from a later copy to the original, paid from the recorder’s bond', async () => {
    // The operator cites carol's copy (contribution 2) for bob's essay (contribution 1).
    const id = await record(output, [span(COPY, 8, n, 10)]);
    expect(escrowOf(id).segments).toEqual([{ outputStart: 10, length: n, contributionId: 2n }]);
    const bond = bondOf(dave);
    const erinBefore = h.balance(erin.address);
    const sent = await h.sendData(erin, challenge(id, output, [span(ORIGINAL, 0, n, 10)]));
    expect(sent.receipt.error).toBe('');
    const reward = PER_BYTE * BigInt(n);
    expect(sent.events).toEqual([
      {
        eventName: 'InferenceChallenged',
        args: expect.objectContaining({ inferenceId: id, bytesMoved: n, reward, attributedBytes: n }),
      },
    ]);
    const gasPaid = sent.receipt.gasUsed * sent.receipt.effectiveGasPrice;
    expect(h.balance(erin.address) - erinBefore).toBe(reward - gasPaid);
    expect(bondOf(dave)).toBe(bond - reward);
    expect(h.view('earningsOf', [erin.address])).toMatchObject({ challenger: reward });
    expect(escrowOf(id)).toMatchObject({
      segments: [{ outputStart: 10, length: n, contributionId: 1n }],
      challenges: 1,
      slashed: reward,
    });

    // The same bytes again: nothing moves, the challenge fails and only costs its gas.
    await h.fails(
      erin,
      challenge(id, output, [span(ORIGINAL, 0, n, 10)]),
      [],
      /^ATTRIBUTION_UNCHANGED: .*do not change inference/,
    );
    // Citing the copy again cannot move bytes back to a later contribution either.
    await h.fails(
      erin,
      challenge(id, output, [span(COPY, 8, n, 10)]),
      [],
      /^ATTRIBUTION_UNCHANGED: .*do not change inference/,
    );

    await closeWindow(id);
    const bobBefore = h.balance(bob.address);
    const carolBefore = h.balance(carol.address);
    await h.send(carol, 'settleInference', [id]);
    const gas = carolBefore - h.balance(carol.address);
    expect(gas).toBeGreaterThan(0n); // carol paid only gas: her copy earned nothing
    expect(h.balance(bob.address) - bobBefore).toBe((POOL * BigInt(n)) / BigInt(output.length));
  });

  it('attributes a quote the record left out', async () => {
    const text = `${ORIGINAL} and ${OTHER}`;
    const out = utf8ToBytes(text);
    const at = ORIGINAL.length + 5;
    // Only dave's own note is cited; bob's essay is omitted.
    const id = await record(out, [span(OTHER, 0, OTHER.length, at)]);
    const sent = await h.sendData(erin, challenge(id, out, [span(ORIGINAL, 0, ORIGINAL.length, 0)]));
    expect(sent.receipt.error).toBe('');
    expect(sent.events[0]!.args).toMatchObject({
      bytesMoved: ORIGINAL.length,
      attributedBytes: ORIGINAL.length + OTHER.length,
    });
    expect(escrowOf(id).segments).toEqual([
      { outputStart: 0, length: ORIGINAL.length, contributionId: 1n },
      { outputStart: at, length: OTHER.length, contributionId: 3n },
    ]);
  });

  it('refuses a challenge after the window, and of a settled inference', async () => {
    const id = await record(output, []);
    await closeWindow(id);
    await h.t.produce();
    const late = challenge(id, output, [span(ORIGINAL, 0, n, 10)]);
    await h.fails(
      erin,
      late,
      [],
      /^CHALLENGE_WINDOW_CLOSED: .*the challenge window of inference \d+ closed at height/,
    );
    await h.send(erin, 'settleInference', [id]);
    await h.fails(erin, late, [], /^INFERENCE_SETTLED: .*inference \d+ is settled, its attribution is final/);
    await h.fails(
      erin,
      'settleInference',
      [id],
      /^INFERENCE_SETTLED: .*settleInference: inference \d+ is settled/,
    );
  });

  it('refuses invalid proofs, unknown inferences, a different output and spans outside the lineage', async () => {
    const id = await record(output, []);
    const good = span(ORIGINAL, 0, n, 10);
    const forged = { ...good, paths: good.paths.map((p) => p.map((node) => node.map((b) => b ^ 1))) };
    await h.fails(
      erin,
      challenge(id, output, [forged]),
      [],
      /span 0: chunk \d+ and its Merkle path do not hash/,
    );
    await h.fails(
      erin,
      challenge(999n, output, [good]),
      [],
      /^UNKNOWN_INFERENCE: .*challengeInference: unknown inference 999/,
    );
    const other = output.slice();
    other[0] = 0x21;
    await h.fails(
      erin,
      challenge(id, other, [good]),
      [],
      /^OUTPUT_HASH_MISMATCH: .*the output does not hash to inference \d+'s output hash/,
    );
    const outside = utf8ToBytes(quote(OUTSIDE));
    const id2 = await record(outside, []);
    await h.fails(
      erin,
      challenge(id2, outside, [span(OUTSIDE, 0, OUTSIDE.length, 10)]),
      [],
      /span 0: contribution 4 belongs to datanet 2, which the model does not use/,
    );
    await h.fails(
      erin,
      'challengeInference',
      [id, bytesToHex(output), []],
      /^ATTRIBUTION_UNCHANGED: .*do not change inference/,
    );
    expect(escrowOf(id).challenges).toBe(0);
  });
});

describe('the recorder cannot escape a challenge', () => {
  it('keeps the bond slashable until the window of its last record has closed', async () => {
    const output = utf8ToBytes(quote(ORIGINAL));
    const id = await record(output, [span(COPY, 8, ORIGINAL.length, 10)]);
    await h.fails(
      dave,
      'withdrawAttributionBond',
      [1n],
      /^BOND_LOCKED: .*locked: call unlockAttributionBond first/,
    );
    const unlocked = await h.send(dave, 'unlockAttributionBond', [1n]);
    const withdrawableAt = unlocked.events[0]!.args.withdrawableAt as bigint;
    expect(withdrawableAt).toBeGreaterThan(escrowOf(id).windowEnd);
    await h.fails(
      dave,
      'withdrawAttributionBond',
      [1n],
      /^BOND_LOCKED: .*it may be withdrawn from height \d+/,
    );
    // No recording while unlocking.
    await h.fails(
      dave,
      hexToBytes(inferenceCalldata(1n, output, [])),
      [],
      /^BOND_TOO_LOW: .*holds an unlocking bond/,
      {
        value: FEE,
      },
    );
    // The challenge still reaches the bond.
    const bond = bondOf(dave);
    const sent = await h.sendData(erin, challenge(id, output, [span(ORIGINAL, 0, ORIGINAL.length, 10)]));
    expect(sent.receipt.error).toBe('');
    const reward = PER_BYTE * BigInt(ORIGINAL.length);
    expect(bondOf(dave)).toBe(bond - reward);
    while (BigInt(h.chain.head.header.height) + 1n < withdrawableAt) await h.t.produce();
    const before = h.balance(dave.address);
    const out = await h.send(dave, 'withdrawAttributionBond', [1n]);
    const gas = out.receipt.gasUsed * out.receipt.effectiveGasPrice;
    expect(h.balance(dave.address) - before).toBe(bond - reward - gas);
    expect(bondOf(dave)).toBe(0n);
  });
});

describe('the module account', () => {
  it('holds exactly the bonds and the pools not yet settled: every settlement paid its pool in full', () => {
    const [, , , inferences] = h.view('counts') as bigint[];
    let open = 0n;
    for (let id = 1n; id <= inferences!; id++) {
      const e = escrowOf(id);
      if (!e.settled) open += e.pool;
      else expect(e.payouts.reduce((sum, p) => sum + p.amount, 0n)).toBe(e.pool);
    }
    const bonds = [alice, bob, carol, dave, erin].reduce((sum, a) => sum + bondOf(a), 0n);
    expect(bonds).toBe(MIN_BOND); // carol's; dave withdrew what the challenges left
    expect(h.balance(ATTRIBUTION_ADDRESS)).toBe(bonds + open);
  });
});

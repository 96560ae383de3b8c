// Attacks on the economics of a model (issue 9), on a real chain with the default floors: a split
// that starves validators, a free model, a fee built to overflow, a LoRA adapter zeroing its base
// model's share, adapters and models built on others' work without consent. Every refusal changes
// nothing but the sender's fee (AttributionHarness.fails checks the state).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../core/bytes.ts';
import { DEFAULT_PARAMS } from '../../genesis/defaults.ts';
import { attribute, buildIndex } from '../../prover/index.ts';
import { Policy, Role } from '../../state/modules/attribution/records.ts';
import { inferenceFee } from '../../state/modules/attribution/split.ts';
import {
  AttributionHarness,
  alice,
  bob,
  carol,
  dave,
  TEST_ATTRIBUTION_PARAMS,
} from '../state/modules/attribution/helpers.ts';

const FLOORS = {
  minContributorsBps: DEFAULT_PARAMS.attribution.minContributorsBps,
  minValidatorsBps: DEFAULT_PARAMS.attribution.minValidatorsBps,
  minFeePerInference: DEFAULT_PARAMS.attribution.minFeePerInference,
  maxModelFee: DEFAULT_PARAMS.attribution.maxModelFee,
};
const MAX_MODEL_FEE = BigInt(FLOORS.maxModelFee);
const FEE = 10n ** 15n;
const SPLIT = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };
const MAX_UINT32 = 2n ** 32n - 1n;

let h: AttributionHarness;
beforeEach(async () => {
  h = await AttributionHarness.open(FLOORS);
  await h.send(alice, 'createDatanet', ['open', '', '', Policy.open, 0n]); // 1
  await h.send(alice, 'createDatanet', ['curated', '', '', Policy.curated, 0n]); // 2, alice curates
});
afterEach(() => h.close());

/** registerModel's arguments. */
const register = (datanets: bigint[], base: bigint, fee: bigint, split: typeof SPLIT, perKb = 0n) =>
  ['m', '', datanets, base, fee, perKb, split] as const;

describe('floors', () => {
  it('refuses a split of 0/10000/0/0 and a fee of 0', async () => {
    const starved = { ownerBps: 0, contributorsBps: 10_000, validatorsBps: 0, treasuryBps: 0 };
    await h.fails(
      bob,
      'registerModel',
      register([1n], 0n, FEE, starved),
      /^SPLIT_BELOW_FLOOR: .*every split gives contributors at least 1000 and validators at least 100 basis points, got 10000 and 0/,
    );
    const noContributors = { ownerBps: 9_000, contributorsBps: 900, validatorsBps: 100, treasuryBps: 0 };
    await h.fails(bob, 'registerModel', register([1n], 0n, FEE, noContributors), /got 900 and 100/);
    await h.fails(
      bob,
      'registerModel',
      register([1n], 0n, 0n, SPLIT),
      /feePerInference must be at least 1000000000, got 0/,
    );
    expect(h.view('counts')).toEqual([2n, 0n, 0n, 0n]);
    // Exactly at the floors is fine.
    const atFloors = { ownerBps: 8_900, contributorsBps: 1_000, validatorsBps: 100, treasuryBps: 0 };
    await h.send(bob, 'registerModel', register([1n], 0n, BigInt(FLOORS.minFeePerInference), atFloors));
  });

  it('refuses a fee near 2^256 with a clear error, and modelFee never overflows', async () => {
    const huge = 2n ** 256n - 1n;
    await h.fails(
      bob,
      'registerModel',
      register([1n], 0n, huge, SPLIT),
      /^FEE_TOO_HIGH: .*above the maximum model fee/,
    );
    await h.fails(
      bob,
      'registerModel',
      register([1n], 0n, FEE, SPLIT, huge),
      /the fee of a 2048-byte output would be \d+, above the maximum model fee 1000000000000000000000000000000/,
    );
    // About the dearest model allowed: the minimum per inference, the rest of the maximum per kilobyte.
    const minFee = BigInt(FLOORS.minFeePerInference);
    const perKb = ((MAX_MODEL_FEE - minFee) * 1_000n) / BigInt(TEST_ATTRIBUTION_PARAMS.maxOutputBytes);
    await h.send(bob, 'registerModel', register([1n], 0n, BigInt(FLOORS.minFeePerInference), SPLIT, perKb));
    // Any uint32 output size gives an exact fee, not an error.
    expect(h.view('modelFee', [1n, MAX_UINT32])).toBe(
      inferenceFee(BigInt(FLOORS.minFeePerInference), perKb, Number(MAX_UINT32)),
    );
  });
});

describe('LoRA adapters', () => {
  const TEXT = utf8ToBytes('Base models learn from Datanets; adapters learn a little more on top of them.');

  it('refuses an adapter on a model whose owner has not consented, and one outside its allow-list', async () => {
    await h.send(alice, 'registerModel', register([1n], 0n, FEE, SPLIT));
    await h.fails(
      bob,
      'registerModel',
      register([], 1n, FEE, SPLIT),
      /^ADAPTER_NOT_ALLOWED: .*base model 1 takes no adapters/,
    );
    await h.send(alice, 'setAdapterPolicy', [1n, 2, 1_500]);
    await h.fails(
      bob,
      'registerModel',
      register([], 1n, FEE, SPLIT),
      /^ADAPTER_NOT_ALLOWED: .*has not allowed adapters of this owner/,
    );
    await h.fails(
      carol,
      'setAdapterAllowed',
      [1n, bob.address, true],
      /^NOT_AUTHORIZED: .*only the owner of model 1/,
    );
    await h.send(alice, 'setAdapterAllowed', [1n, bob.address, true]);
    expect(h.view('adapterAllowed', [1n, bob.address])).toBe(true);
    await h.send(bob, 'registerModel', register([], 1n, FEE, SPLIT));
    await h.fails(
      carol,
      'registerModel',
      register([], 1n, FEE, SPLIT),
      /^ADAPTER_NOT_ALLOWED: .*has not allowed adapters/,
    );
  });

  it('pays the base model its share of the whole fee: an adapter cannot zero it', async () => {
    const added = await h.contribute(dave, 1n, TEXT);
    const contributionId = AttributionHarness.idFrom(added, 'ContributionAdded', 'contributionId');
    await h.send(alice, 'registerModel', register([1n], 0n, FEE, SPLIT));
    await h.send(alice, 'setAdapterPolicy', [1n, 1, 1_500]);
    expect(h.view('adapterPolicy', [1n])).toEqual([1, 1_500]);
    // An owner share of 0 would leave nothing to pass on: refused.
    const zeroOwner = { ownerBps: 0, contributorsBps: 8_000, validatorsBps: 1_000, treasuryBps: 1_000 };
    await h.fails(
      bob,
      'registerModel',
      register([], 1n, FEE, zeroOwner),
      /base model 1 takes 2000 basis points of the whole fee, out of the owner share: ownerBps must be at least that, got 0/,
    );
    // The protocol minimum (loraBaseShareBps, 2000 in these tests) is above the policy's 1500.
    const minimal = { ownerBps: 2_000, contributorsBps: 6_000, validatorsBps: 1_000, treasuryBps: 1_000 };
    await h.send(bob, 'registerModel', register([], 1n, FEE, minimal));
    expect(h.view('getModel', [2n])).toMatchObject({ baseShareBps: 2_000 });

    const output = utf8ToBytes(`adapter output: ${new TextDecoder().decode(TEXT.slice(10, 60))}`);
    const index = buildIndex([
      { id: contributionId, content: TEXT, chunkSize: TEST_ATTRIBUTION_PARAMS.chunkSize },
    ]);
    const proved = attribute(index, { modelId: 2n, output, minSpanLength: 8, maxSpans: 8 });
    const fee = h.view('modelFee', [2n, output.length]) as bigint;
    await h.send(bob, 'setOperator', [2n, carol.address, true]); // records come from bonded operators (bond 0 here)
    const sent = await h.sendData(carol, Buffer.from(proved.calldata.slice(2), 'hex'), { value: fee });
    expect(sent.receipt.error).toBe('');
    const paid = sent.events
      .filter((e) => e.eventName === 'RewardPaid')
      .map((e) => [e.args.role, e.args.refId, e.args.amount]);
    // The adapter's owner keeps nothing; the base gets 20% of the whole fee.
    expect(paid.filter((p) => p[0] === Role.modelOwner)).toEqual([]);
    expect(paid.filter((p) => p[0] === Role.baseModelOwner)).toEqual([
      [Role.baseModelOwner, 1n, (fee * 2_000n) / 10_000n],
    ]);
  });
});

describe('Datanet consent', () => {
  it("refuses a model naming a curated Datanet without its owner's consent", async () => {
    await h.fails(
      bob,
      'registerModel',
      register([1n, 2n], 0n, FEE, SPLIT),
      /^DATANET_NOT_ALLOWED: .*datanet 2 is curated and its owner \(0x[0-9a-fA-F]{40}\) has not allowed models of/,
    );
    await h.fails(
      bob,
      'setDatanetModelAllowed',
      [2n, bob.address, true],
      /^NOT_AUTHORIZED: .*only the owner of datanet 2/,
    );
    await h.fails(
      alice,
      'setDatanetModelAllowed',
      [1n, bob.address, true],
      /^NOT_CURATED: .*datanet 1 is open to every model/,
    );
    await h.send(alice, 'setDatanetModelAllowed', [2n, bob.address, true]);
    expect(h.view('datanetModelAllowed', [2n, bob.address])).toBe(true);
    await h.send(bob, 'registerModel', register([1n, 2n], 0n, FEE, SPLIT));
    // Revoked consent binds later registrations only.
    await h.send(alice, 'setDatanetModelAllowed', [2n, bob.address, false]);
    await h.fails(
      bob,
      'registerModel',
      register([2n], 0n, FEE, SPLIT),
      /^DATANET_NOT_ALLOWED: .*has not allowed models of/,
    );
    expect(h.view('getModel', [1n])).toMatchObject({ datanetIds: [1n, 2n] });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Policy } from '../../../../state/modules/attribution/records.ts';
import { AttributionHarness, alice, bob, carol } from './helpers.ts';

let h: AttributionHarness;
beforeEach(async () => {
  h = await AttributionHarness.open();
  await h.send(alice, 'createDatanet', ['one', '', '', Policy.open, 0n]);
  await h.send(alice, 'createDatanet', ['two', '', '', Policy.open, 0n]);
});
afterEach(async () => {
  await h.close();
});

const split = { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 };

function register(from: typeof bob, baseModelId: bigint, datanetIds: bigint[] = [2n, 1n], s = split) {
  return h.send(from, 'registerModel', ['llm', 'ipfs://card', datanetIds, baseModelId, 1_000n, 200n, s]);
}

describe('models', () => {
  it('registers a model with its datanets, fee and split', async () => {
    const sent = await register(bob, 0n);
    expect(sent.events).toEqual([
      {
        eventName: 'ModelRegistered',
        args: {
          modelId: 1n,
          owner: expect.stringMatching(new RegExp(bob.address.slice(2), 'i')),
          baseModelId: 0n,
          datanetIds: [1n, 2n],
          feePerInference: 1_000n,
          feePerKiloByte: 200n,
          split,
          name: 'llm',
        },
      },
    ]);
    expect(h.view('getModel', [1n])).toEqual({
      id: 1n,
      owner: expect.stringMatching(new RegExp(bob.address.slice(2), 'i')),
      name: 'llm',
      metadataURI: 'ipfs://card',
      datanetIds: [1n, 2n],
      baseModelId: 0n,
      depth: 0,
      feePerInference: 1_000n,
      feePerKiloByte: 200n,
      split,
      createdAt: BigInt(sent.time),
      inferences: 0n,
      feesCharged: 0n,
      baseShareBps: 0,
    });
    expect(h.view('modelFee', [1n, 0])).toBe(1_000n);
    expect(h.view('modelFee', [1n, 1_001])).toBe(1_000n + 201n);
  });

  it('refuses a fee split not summing to 10,000, unknown or repeated datanets', async () => {
    await h.fails(
      bob,
      'registerModel',
      ['m', '', [1n], 0n, 1n, 0n, { ...split, treasuryBps: 999 }],
      /fee split must sum to 10000 basis points, got 9999/,
    );
    await h.fails(
      bob,
      'registerModel',
      ['m', '', [1n], 0n, 1n, 0n, { ...split, ownerBps: 65_535 }],
      /must sum to 10000 basis points, got 70535/,
    );
    await h.fails(bob, 'registerModel', ['m', '', [1n, 3n], 0n, 1n, 0n, split], /unknown datanet 3/);
    await h.fails(
      bob,
      'registerModel',
      ['m', '', [2n, 1n, 2n], 0n, 1n, 0n, split],
      /datanet 2 is named twice/,
    );
    await h.fails(bob, 'registerModel', ['', '', [1n], 0n, 1n, 0n, split], /name must not be empty/);
  });

  it('registers LoRA adapters on a base model up to the depth bound', async () => {
    await register(alice, 0n);
    await h.send(alice, 'setAdapterPolicy', [1n, 1, 0]);
    const adapter = await register(bob, 1n, [2n]);
    await h.send(bob, 'setAdapterPolicy', [2n, 1, 0]);
    expect(adapter.events[0]!.args).toMatchObject({ modelId: 2n, baseModelId: 1n });
    await register(carol, 2n, []);
    expect(h.view('getModel', [3n])).toMatchObject({
      baseModelId: 2n,
      depth: 2,
      datanetIds: [],
      baseShareBps: 2_000,
    });
    await h.send(carol, 'setAdapterPolicy', [3n, 1, 0]);
    // maxLoraDepth is 2 in these tests.
    await h.fails(
      bob,
      'registerModel',
      ['m', '', [], 3n, 0n, 0n, split],
      /base model 3 would put this adapter at depth 3, above the limit of 2/,
    );
  });

  it('refuses a base model that is the model itself or unknown', async () => {
    await register(alice, 0n);
    // The next model gets id 2: naming 2 as its base would make a cycle.
    await h.fails(
      bob,
      'registerModel',
      ['m', '', [], 2n, 0n, 0n, split],
      /model 2 cannot be its own base model/,
    );
    await h.fails(bob, 'registerModel', ['m', '', [], 5n, 0n, 0n, split], /unknown model 5/);
    expect(h.view('counts')).toEqual([2n, 0n, 1n, 0n]);
  });
});

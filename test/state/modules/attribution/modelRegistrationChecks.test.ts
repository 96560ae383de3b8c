// registerModel's checks one by one, each refusal with its code and a message naming the value, on
// a fresh state per test: the datanet list (at most 64, sorted, no repeats, each known, checked in
// ascending order), the text limits, value sent, and the base-model rules; and lineage's refusal of
// a stored chain that does not end where the model's depth says it must.
import { describe, expect, it } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import {
  lineage,
  lineageOwners,
  type RegisterModel,
  registerModel,
} from '../../../../state/modules/attribution/models.ts';
import type { Model } from '../../../../state/modules/attribution/records.ts';
import { readModel, writeModel } from '../../../../state/modules/attribution/store.ts';
import { attributionError, BLOCK_TIME, DirectCalls, OWNER } from './directCall.ts';

const SPLIT = { ownerBps: 5_000n, contributorsBps: 3_000n, validatorsBps: 1_000n, treasuryBps: 1_000n };
const BOB: Address = '0x00000000000000000000000000000000000000b0';

function args(overrides: Partial<RegisterModel> = {}): RegisterModel {
  return {
    name: 'llm',
    metadataURI: 'ipfs://card',
    datanetIds: [1n],
    baseModelId: 0n,
    feePerInference: 7n,
    feePerKiloByte: 3n,
    split: SPLIT,
    ...overrides,
  };
}

/** A world with `datanets` Datanets and nothing else. */
function world(datanets = 3): DirectCalls {
  const w = new DirectCalls();
  w.datanets(datanets);
  return w;
}

function refusal(w: DirectCalls, a: RegisterModel, from: Address = BOB, value = 0n) {
  const err = attributionError(() => registerModel(w.call(from, value), a));
  expect(readModel(w.state, 1n), 'nothing registered').toBeUndefined();
  return { code: err.code, message: err.message };
}

describe('registerModel: the datanet list', () => {
  it('accepts 64 datanets and refuses 65, naming the limit and the count', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => BigInt(n - i));
    const w = world(65);
    expect(refusal(w, args({ datanetIds: ids(65) }))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'a model may name at most 64 datanets, got 65',
    });
    registerModel(w.call(BOB), args({ datanetIds: ids(64) }));
    expect(readModel(w.state, 1n)!.datanetIds).toEqual(ids(64).reverse());
  });

  it('stores and announces the datanets in ascending order, whatever order they were named in', () => {
    const named = [5n, 2n, 9n, 1n, 7n, 3n, 8n, 4n, 6n, 10n, 12n, 11n];
    const w = world(12);
    registerModel(w.call(BOB), args({ datanetIds: named }));
    const sorted = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n];
    expect(readModel(w.state, 1n)!.datanetIds).toEqual(sorted);
    const [event] = w.events();
    expect(event!.eventName).toBe('ModelRegistered');
    expect(event!.args.datanetIds).toEqual(sorted);
    expect(named[0]).toBe(5n); // the caller's array is left as it was
  });

  it('refuses a repeated datanet, naming it, wherever the repeats stand', () => {
    for (const ids of [
      [2n, 2n],
      [3n, 1n, 3n],
      [1n, 2n, 3n, 1n],
    ]) {
      const repeated = ids.find((id, i) => ids.indexOf(id) !== i)!;
      expect(refusal(world(), args({ datanetIds: ids }))).toEqual({
        code: 'INVALID_ARGUMENT',
        message: `datanet ${repeated} is named twice`,
      });
    }
  });

  it('checks the datanets in ascending order: the first problem in that order is the one reported', () => {
    // 2 is unknown and comes before the repeated 3s.
    expect(refusal(world(1), args({ datanetIds: [3n, 3n, 2n] }))).toEqual({
      code: 'UNKNOWN_DATANET',
      message: 'unknown datanet 2',
    });
    // The repeated 1s come before the unknown 5.
    expect(refusal(world(1), args({ datanetIds: [5n, 1n, 1n] }))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'datanet 1 is named twice',
    });
    // A known datanet, then an unknown one repeated: the unknown one is reported before its repeat.
    expect(refusal(world(1), args({ datanetIds: [1n, 5n, 5n] }))).toEqual({
      code: 'UNKNOWN_DATANET',
      message: 'unknown datanet 5',
    });
  });
});

describe('registerModel: arguments', () => {
  it('refuses value sent with it', () => {
    expect(refusal(world(), args(), BOB, 5n)).toEqual({
      code: 'UNEXPECTED_VALUE',
      message: 'registerModel is not payable, but 5 was sent',
    });
  });

  it('refuses an empty name, a name over 128 bytes and a metadata URI over 512', () => {
    expect(refusal(world(), args({ name: '' }))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'name must not be empty',
    });
    expect(refusal(world(), args({ name: 'n'.repeat(129) }))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'name is 129 bytes, limit 128',
    });
    expect(refusal(world(), args({ metadataURI: 'u'.repeat(513) }))).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'metadataURI is 513 bytes, limit 512',
    });
    const w = world();
    registerModel(w.call(BOB), args({ name: 'n'.repeat(128), metadataURI: 'u'.repeat(512) }));
    expect(readModel(w.state, 1n)).toMatchObject({ name: 'n'.repeat(128), metadataURI: 'u'.repeat(512) });
  });

  it('refuses a split not summing to 10,000 basis points, naming each share', () => {
    expect(refusal(world(), args({ split: { ...SPLIT, validatorsBps: 1_001n } }))).toEqual({
      code: 'BAD_FEE_SPLIT',
      message:
        'fee split must sum to 10000 basis points, got 10001 (owner 5000, contributors 3000, validators 1001, treasury 1000)',
    });
  });

  it('stores every field of the model, owned by the caller at the block time', () => {
    const w = world();
    registerModel(w.call(BOB), args({ datanetIds: [3n, 1n] }));
    expect(readModel(w.state, 1n)).toEqual({
      owner: BOB,
      name: 'llm',
      metadataURI: 'ipfs://card',
      datanetIds: [1n, 3n],
      baseModelId: 0n,
      depth: 0,
      feePerInference: 7n,
      feePerKiloByte: 3n,
      split: { ownerBps: 5_000, contributorsBps: 3_000, validatorsBps: 1_000, treasuryBps: 1_000 },
      createdAt: BLOCK_TIME,
      baseShareBps: 0,
    });
  });
});

describe('registerModel: base models', () => {
  it('refuses the next id as its own base, an unknown base, and a base past the depth limit', () => {
    const w = world();
    registerModel(w.call(OWNER), args()); // 1, depth 0
    registerModel(w.call(OWNER), args({ baseModelId: 1n })); // 2, depth 1
    registerModel(w.call(OWNER), args({ baseModelId: 2n })); // 3, depth 2 (the limit in these params)
    expect(readModel(w.state, 3n)).toMatchObject({ baseModelId: 2n, depth: 2 });
    const attempt = (baseModelId: bigint) => {
      const err = attributionError(() => registerModel(w.call(BOB), args({ baseModelId })));
      expect(readModel(w.state, 4n)).toBeUndefined();
      return { code: err.code, message: err.message };
    };
    expect(attempt(4n)).toEqual({
      code: 'BASE_MODEL_CYCLE',
      message: 'model 4 cannot be its own base model',
    });
    expect(attempt(9n)).toEqual({ code: 'UNKNOWN_MODEL', message: 'unknown model 9' });
    expect(attempt(3n)).toEqual({
      code: 'LORA_TOO_DEEP',
      message: 'base model 3 would put this adapter at depth 3, above the limit of 2',
    });
  });
});

describe('lineage', () => {
  const model = (baseModelId: bigint, depth: number, owner: Address): Model => ({
    owner,
    name: 'm',
    metadataURI: '',
    datanetIds: [],
    baseModelId,
    depth,
    feePerInference: 0n,
    feePerKiloByte: 0n,
    split: { ownerBps: 10_000, contributorsBps: 0, validatorsBps: 0, treasuryBps: 0 },
    createdAt: 0,
    baseShareBps: baseModelId === 0n ? 0 : 1_000,
  });
  const A: Address = '0x00000000000000000000000000000000000000aa';
  const B: Address = '0x00000000000000000000000000000000000000bb';
  const C: Address = '0x00000000000000000000000000000000000000cc';

  it('walks from the model up to its root', () => {
    const w = new DirectCalls();
    writeModel(w.state, 1n, model(0n, 0, A));
    writeModel(w.state, 4n, model(1n, 1, B));
    const top = model(4n, 2, C);
    const entries = lineage(w.state, 7n, top);
    expect(entries.map((e) => e.modelId)).toEqual([7n, 4n, 1n]);
    expect(lineageOwners(entries)).toEqual([
      { modelId: 7n, owner: C, baseShareBps: 1_000 },
      { modelId: 4n, owner: B, baseShareBps: 1_000 },
      { modelId: 1n, owner: A, baseShareBps: 0 },
    ]);
    expect(lineage(w.state, 1n, readModel(w.state, 1n)!)).toEqual([{ modelId: 1n, model: model(0n, 0, A) }]);
  });

  it('throws on a base model missing from the state', () => {
    const w = new DirectCalls();
    writeModel(w.state, 4n, model(1n, 1, B));
    expect(() => lineage(w.state, 7n, model(4n, 2, C))).toThrow(
      new Error('model 7: broken base-model chain at 1'),
    );
  });

  it('throws on a chain longer than the model depth says', () => {
    const w = new DirectCalls();
    writeModel(w.state, 1n, model(0n, 0, A));
    writeModel(w.state, 4n, model(1n, 1, B));
    // Depth 1 allows one base model; the chain has two.
    expect(() => lineage(w.state, 7n, model(4n, 1, C))).toThrow(
      new Error('model 7: broken base-model chain at 1'),
    );
    // With the right depth the same chain is walked.
    expect(lineage(w.state, 7n, model(4n, 2, C))).toHaveLength(3);
  });
});

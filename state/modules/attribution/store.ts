// Typed reads and writes of the module's records. Transactions go through a metered view of the
// state (each record read or written is charged by the gas schedule); views read the state directly.
import type { StateReader } from '../../stateDb.ts';
import type { CallContext } from '../module.ts';
import { AttributionError } from './errors.ts';
import { GAS } from './gas.ts';
import { type Counter, attributionKeys as keys } from './keys.ts';
import {
  type Contribution,
  type Datanet,
  decodeAmount,
  decodeContribution,
  decodeDatanet,
  decodeInference,
  decodeModel,
  decodeModelStats,
  encodeAmount,
  encodeContribution,
  encodeDatanet,
  encodeInference,
  encodeModel,
  encodeModelStats,
  type Inference,
  type Model,
  type ModelStats,
} from './records.ts';

export interface StateWriter extends StateReader {
  set(key: Uint8Array, value: Uint8Array | null): void;
}

/** The call's state, charging GAS.read per record read and GAS.write per record written. */
export function meteredState(ctx: CallContext): StateWriter {
  return {
    get(key) {
      ctx.useGas(GAS.read);
      return ctx.state.get(key);
    },
    set(key, value) {
      ctx.useGas(GAS.write);
      ctx.state.set(key, value);
    },
  };
}

/**
 * A decoder that remembers what it decoded, by the stored value's identity: the state hands out
 * the same Uint8Array for a value until it is rewritten, and records are never mutated, so a
 * contribution cited by many records is decoded once. Purely a saving; the result is the same.
 */
export function memoized<T extends object>(decode: (bytes: Uint8Array) => T): (bytes: Uint8Array) => T {
  const decoded = new WeakMap<Uint8Array, T>();
  return (bytes) => {
    let value = decoded.get(bytes);
    if (value === undefined) {
      value = decode(bytes);
      decoded.set(bytes, value);
    }
    return value;
  };
}

function read<T>(state: StateReader, key: Uint8Array, decode: (bytes: Uint8Array) => T): T | undefined {
  const bytes = state.get(key);
  return bytes ? decode(bytes) : undefined;
}

const datanetOf = memoized(decodeDatanet);
const contributionOf = memoized(decodeContribution);
const modelOf = memoized(decodeModel);

/** Assigns the next id of a counter (ids start at 1). */
export function nextId(state: StateWriter, counter: Counter): bigint {
  const id = lastId(state, counter) + 1n;
  state.set(keys.counter(counter), encodeAmount(id));
  return id;
}

export function lastId(state: StateReader, counter: Counter): bigint {
  return read(state, keys.counter(counter), decodeAmount) ?? 0n;
}

function readDatanet(state: StateReader, id: bigint): Datanet | undefined {
  return read(state, keys.datanet(id), datanetOf);
}

export function requireDatanet(state: StateReader, id: bigint): Datanet {
  const datanet = readDatanet(state, id);
  if (!datanet) throw new AttributionError('UNKNOWN_DATANET', `unknown datanet ${id}`);
  return datanet;
}

export function writeDatanet(state: StateWriter, id: bigint, datanet: Datanet): void {
  state.set(keys.datanet(id), encodeDatanet(datanet));
}

export function readContribution(state: StateReader, id: bigint): Contribution | undefined {
  return read(state, keys.contribution(id), contributionOf);
}

export function requireContribution(state: StateReader, id: bigint): Contribution {
  const contribution = readContribution(state, id);
  if (!contribution) throw new AttributionError('UNKNOWN_CONTRIBUTION', `unknown contribution ${id}`);
  return contribution;
}

export function writeContribution(state: StateWriter, id: bigint, contribution: Contribution): void {
  state.set(keys.contribution(id), encodeContribution(contribution));
}

/** The contribution registered with this chunk root, or 0n. */
export function contributionByRoot(state: StateReader, chunkRoot: Uint8Array): bigint {
  return read(state, keys.rootIndex(chunkRoot), decodeAmount) ?? 0n;
}

export function indexRoot(state: StateWriter, chunkRoot: Uint8Array, id: bigint): void {
  state.set(keys.rootIndex(chunkRoot), encodeAmount(id));
}

export function readModel(state: StateReader, id: bigint): Model | undefined {
  return read(state, keys.model(id), modelOf);
}

export function requireModel(state: StateReader, id: bigint): Model {
  const model = readModel(state, id);
  if (!model) throw new AttributionError('UNKNOWN_MODEL', `unknown model ${id}`);
  return model;
}

export function writeModel(state: StateWriter, id: bigint, model: Model): void {
  state.set(keys.model(id), encodeModel(model));
}

export function readModelStats(state: StateReader, id: bigint): ModelStats {
  return read(state, keys.modelStats(id), decodeModelStats) ?? { inferences: 0n, feesCharged: 0n };
}

export function writeModelStats(state: StateWriter, id: bigint, stats: ModelStats): void {
  state.set(keys.modelStats(id), encodeModelStats(stats));
}

export function readInference(state: StateReader, id: bigint): Inference | undefined {
  return read(state, keys.inference(id), decodeInference);
}

export function writeInference(state: StateWriter, id: bigint, inference: Inference): void {
  state.set(keys.inference(id), encodeInference(inference));
}

export function readEarnings(state: StateReader, key: Uint8Array): bigint {
  return read(state, key, decodeAmount) ?? 0n;
}

export function addEarnings(state: StateWriter, key: Uint8Array, amount: bigint): void {
  state.set(key, encodeAmount(readEarnings(state, key) + amount));
}

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
export function memoized<T>(decode: (bytes: Uint8Array) => T): (bytes: Uint8Array) => T {
  const decoded = new WeakMap<Uint8Array, { value: T }>();
  return (bytes) => {
    let entry = decoded.get(bytes);
    if (entry === undefined) {
      entry = { value: decode(bytes) };
      decoded.set(bytes, entry);
    }
    return entry.value;
  };
}

/**
 * For records rewritten by every inference record (account balances, model statistics): the value
 * last written or read under each key, with the exact bytes it was stored as, so that the next read
 * of the same bytes needs no decoding. Checked by identity, so a different state (another block, a
 * view of an older height) simply decodes. A plain bounded Map: a WeakMap insertion per write cost
 * more than the decoding it saved.
 */
export class RecentRecords<K, T> {
  readonly #entries = new Map<K, { bytes: Uint8Array; value: T }>();
  readonly #decode: (bytes: Uint8Array) => T;
  readonly #capacity: number;

  constructor(decode: (bytes: Uint8Array) => T, capacity = 4_096) {
    this.#decode = decode;
    this.#capacity = capacity;
  }

  decode(key: K, bytes: Uint8Array): T {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.bytes === bytes) return entry.value;
    const value = this.#decode(bytes);
    this.remember(key, bytes, value);
    return value;
  }

  /** Returns `bytes`, now known to decode to `value`. */
  remember(key: K, bytes: Uint8Array, value: T): Uint8Array {
    if (this.#entries.size >= this.#capacity && !this.#entries.has(key)) this.#entries.clear();
    this.#entries.set(key, { bytes, value });
    return bytes;
  }
}

function read<T>(state: StateReader, key: Uint8Array, decode: (bytes: Uint8Array) => T): T | undefined {
  const bytes = state.get(key);
  return bytes ? decode(bytes) : undefined;
}

const datanetOf = memoized(decodeDatanet);
const contributionOf = memoized(decodeContribution);
const modelOf = memoized(decodeModel);
const modelStatsOf = new RecentRecords<bigint, ModelStats>(decodeModelStats);

function storeAmount(state: StateWriter, key: Uint8Array, amount: bigint): void {
  state.set(key, encodeAmount(amount));
}

/** Assigns the next id of a counter (ids start at 1). */
export function nextId(state: StateWriter, counter: Counter): bigint {
  const id = lastId(state, counter) + 1n;
  storeAmount(state, keys.counter(counter), id);
  return id;
}

export function setLastId(state: StateWriter, counter: Counter, id: bigint): void {
  if (id !== lastId(state, counter)) storeAmount(state, keys.counter(counter), id);
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
  storeAmount(state, keys.rootIndex(chunkRoot), id);
}

/** Frees a root for a new registration (its contribution was rejected, flagged or withdrawn). */
export function releaseRoot(state: StateWriter, chunkRoot: Uint8Array): void {
  state.set(keys.rootIndex(chunkRoot), null);
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
  const bytes = state.get(keys.modelStats(id));
  return bytes ? modelStatsOf.decode(id, bytes) : { inferences: 0n, feesCharged: 0n };
}

export function writeModelStats(state: StateWriter, id: bigint, stats: ModelStats): void {
  state.set(keys.modelStats(id), modelStatsOf.remember(id, encodeModelStats(stats), stats));
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
  storeAmount(state, key, readEarnings(state, key) + amount);
}

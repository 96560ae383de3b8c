// Weighted round-robin proposer selection: CometBFT's proposer-priority algorithm
// (types/validator_set.go), reproduced exactly so that its published test vectors hold. Every
// validator accumulates its power each step; the one with the highest priority proposes and pays
// the total power back. Priorities are centred on zero and their spread is capped at 2 * total
// power, so a validator's turn depends on its power and not on how long it has been around.
//
// Pure functions over immutable states, in bigint (CometBFT uses int64 and clips; MAX_TOTAL_VOTING_POWER
// keeps every value inside int64, so exact arithmetic gives the same numbers without clipping).
//
// Heights and rounds (consensus/engine.ts): S(1) = newProposerState(genesis set);
// S(h+1) = nextHeightProposerState(S(h), set of h+1); the proposer of (h, r) is the one selected by
// r single-step increments of S(h). CometBFT increments by (r - current round) in one call when it
// enters a round, which makes the proposer depend on which rounds a node visited whenever a rescale
// happens in between; single steps make it a function of (h, r) alone.
import type { Address } from '../core/address.ts';
import { addressToBytes } from '../core/address.ts';
import { bytesToHex } from '../core/bytes.ts';
import { DecodeError } from '../core/errors.ts';
import { asBigint, asBytes, asList, type RlpItem, rlpDecode, rlpEncode } from '../core/rlp.ts';
import type { Validator } from '../core/validator.ts';
import { ConsensusError } from './errors.ts';

/** CometBFT MaxTotalVotingPower: int64 max / 8. */
export const MAX_TOTAL_VOTING_POWER = (2n ** 63n - 1n) / 8n;
/** Priorities are kept within PRIORITY_WINDOW_SIZE_FACTOR * total power of each other. */
export const PRIORITY_WINDOW_SIZE_FACTOR = 2n;

export interface PrioritizedValidator {
  readonly validator: Validator;
  readonly priority: bigint;
}

export interface ProposerState {
  /** Sorted by address. */
  readonly validators: readonly PrioritizedValidator[];
  /** The validator selected by the increment that produced this state. */
  readonly proposer: Address;
}

interface Entry {
  validator: Validator;
  priority: bigint;
}

// Addresses are lowercase hex of equal-width bytes, so string order is byte order.
function byAddress(a: { validator: Validator }, b: { validator: Validator }): number {
  return a.validator.address < b.validator.address ? -1 : a.validator.address > b.validator.address ? 1 : 0;
}

function totalOf(entries: readonly Entry[]): bigint {
  let total = 0n;
  for (const e of entries) total += e.validator.power;
  return total;
}

/** Higher priority wins; on a tie the smaller address (CometBFT CompareProposerPriority). */
function mostPriority(entries: readonly Entry[]): Entry {
  let best = entries[0]!;
  for (const e of entries) {
    if (
      e.priority > best.priority ||
      (e.priority === best.priority && e.validator.address < best.validator.address)
    ) {
      best = e;
    }
  }
  return best;
}

/** Go's big.Int Div is Euclidean: for a positive divisor, floor division. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function rescale(entries: Entry[], diffMax: bigint): void {
  if (diffMax <= 0n) return;
  let max = entries[0]!.priority;
  let min = max;
  for (const e of entries) {
    if (e.priority > max) max = e.priority;
    if (e.priority < min) min = e.priority;
  }
  const diff = max - min;
  if (diff <= diffMax) return;
  const ratio = (diff + diffMax - 1n) / diffMax;
  // bigint division truncates toward zero, as Go's int64 division does.
  for (const e of entries) e.priority /= ratio;
}

function shiftByAverage(entries: Entry[]): void {
  let sum = 0n;
  for (const e of entries) sum += e.priority;
  const avg = floorDiv(sum, BigInt(entries.length));
  for (const e of entries) e.priority -= avg;
}

function copyEntries(state: ProposerState): Entry[] {
  return state.validators.map((v) => ({ validator: v.validator, priority: v.priority }));
}

function freeze(entries: Entry[], proposer: Address): ProposerState {
  return {
    validators: entries.sort(byAddress).map((e) => ({ validator: e.validator, priority: e.priority })),
    proposer,
  };
}

/** CometBFT IncrementProposerPriority: rescale and centre once, then `times` selection steps. */
export function incrementProposerPriority(state: ProposerState, times: number): ProposerState {
  if (state.validators.length === 0) throw new ConsensusError('ENGINE_STATE', 'empty validator set');
  if (!Number.isSafeInteger(times) || times <= 0) {
    throw new ConsensusError('ENGINE_STATE', `increment times must be a positive integer, got ${times}`);
  }
  const entries = copyEntries(state);
  const total = totalOf(entries);
  rescale(entries, PRIORITY_WINDOW_SIZE_FACTOR * total);
  shiftByAverage(entries);
  let proposer = entries[0]!;
  for (let i = 0; i < times; i++) {
    for (const e of entries) e.priority += e.validator.power;
    proposer = mostPriority(entries);
    proposer.priority -= total;
  }
  return freeze(entries, proposer.validator.address);
}

/**
 * CometBFT updateWithChangeSet: a change with power 0 removes the validator, any other power adds or
 * updates it. New validators start at -1.125 * total power (so that leaving and re-joining cannot
 * reset a negative priority); updated ones keep theirs. Then the set is rescaled and centred.
 */
function applyChanges(entries: Entry[], changes: readonly Validator[], allowDeletes: boolean): Entry[] {
  if (changes.length === 0) return entries;
  const sorted = [...changes].sort((a, b) => byAddress({ validator: a }, { validator: b }));
  const updates: Validator[] = [];
  const deletes: Validator[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const change = sorted[i]!;
    if (i > 0 && sorted[i - 1]!.address === change.address) {
      throw new ConsensusError(
        'INVALID_VALIDATOR_CHANGES',
        `duplicate change for validator ${change.address}`,
      );
    }
    if (change.power < 0n) {
      throw new ConsensusError('INVALID_VALIDATOR_CHANGES', `negative voting power for ${change.address}`);
    }
    if (change.power > MAX_TOTAL_VOTING_POWER) {
      throw new ConsensusError(
        'TOTAL_POWER_OVERFLOW',
        `voting power of ${change.address} exceeds ${MAX_TOTAL_VOTING_POWER}`,
      );
    }
    (change.power === 0n ? deletes : updates).push(change);
  }
  if (!allowDeletes && deletes.length > 0) {
    throw new ConsensusError(
      'INVALID_VALIDATOR_CHANGES',
      'a new validator set cannot contain zero-power validators',
    );
  }
  const current = new Map(entries.map((e) => [e.validator.address, e]));
  const added = updates.filter((u) => !current.has(u.address)).length;
  if (added === 0 && entries.length === deletes.length) {
    throw new ConsensusError('INVALID_VALIDATOR_CHANGES', 'the changes would leave the validator set empty');
  }
  let removedPower = 0n;
  for (const d of deletes) {
    const existing = current.get(d.address);
    if (!existing)
      throw new ConsensusError('INVALID_VALIDATOR_CHANGES', `cannot remove unknown validator ${d.address}`);
    removedPower += existing.validator.power;
  }
  // Applied in order of increasing power change so that a valid final set never trips the limit
  // half-way (CometBFT verifyUpdates).
  const delta = (u: Validator) => u.power - (current.get(u.address)?.validator.power ?? 0n);
  let running = totalOf(entries) - removedPower;
  for (const u of [...updates].sort((a, b) => (delta(a) < delta(b) ? -1 : delta(a) > delta(b) ? 1 : 0))) {
    running += delta(u);
    if (running > MAX_TOTAL_VOTING_POWER) {
      throw new ConsensusError(
        'TOTAL_POWER_OVERFLOW',
        `total voting power would exceed ${MAX_TOTAL_VOTING_POWER}`,
      );
    }
  }
  const totalBeforeRemovals = running + removedPower;
  const newPriority = -(totalBeforeRemovals + (totalBeforeRemovals >> 3n));
  for (const u of updates) {
    current.set(u.address, { validator: u, priority: current.get(u.address)?.priority ?? newPriority });
  }
  for (const d of deletes) current.delete(d.address);
  const result = [...current.values()];
  const total = totalOf(result);
  if (total > MAX_TOTAL_VOTING_POWER) {
    throw new ConsensusError(
      'TOTAL_POWER_OVERFLOW',
      `total voting power ${total} exceeds ${MAX_TOTAL_VOTING_POWER}`,
    );
  }
  rescale(result, PRIORITY_WINDOW_SIZE_FACTOR * total);
  shiftByAverage(result);
  return result;
}

/** CometBFT NewValidatorSet: all priorities from zero, then one increment. */
export function newProposerState(validators: readonly Validator[]): ProposerState {
  if (validators.length === 0) throw new ConsensusError('INVALID_VALIDATOR_CHANGES', 'empty validator set');
  const entries = applyChanges([], validators, false);
  return incrementProposerPriority(freeze(entries, entries[0]!.validator.address), 1);
}

/**
 * CometBFT UpdateWithChangeSet (power 0 removes). The proposer is kept if it is still a member,
 * otherwise it is the validator with the highest priority.
 */
export function updateProposerState(state: ProposerState, changes: readonly Validator[]): ProposerState {
  const entries = applyChanges(copyEntries(state), changes, true);
  const kept = entries.find((e) => e.validator.address === state.proposer);
  return freeze(entries, (kept ?? mostPriority(entries)).validator.address);
}

/** The state of the next height: apply the power differences to `next`, then one increment. */
export function nextHeightProposerState(state: ProposerState, next: readonly Validator[]): ProposerState {
  const nextByAddress = new Map(next.map((v) => [v.address, v]));
  const current = new Map(state.validators.map((p) => [p.validator.address, p.validator]));
  const changes: Validator[] = [];
  for (const v of next) {
    if (current.get(v.address)?.power !== v.power) changes.push(v);
  }
  for (const { validator } of state.validators) {
    if (!nextByAddress.has(validator.address)) changes.push({ ...validator, power: 0n });
  }
  const updated = changes.length === 0 ? state : updateProposerState(state, changes);
  // Same power, possibly new reward account: take the validator records of the new set.
  const refreshed = freeze(
    updated.validators.map((p) => ({
      validator: nextByAddress.get(p.validator.address) ?? p.validator,
      priority: p.priority,
    })),
    updated.proposer,
  );
  return incrementProposerPriority(refreshed, 1);
}

/** The proposers of the rounds of one height, computed lazily by single-step increments. */
export class ProposerSchedule {
  #state: ProposerState;
  readonly #proposers: Address[];

  constructor(state: ProposerState) {
    this.#state = state;
    this.#proposers = [state.proposer];
  }

  proposer(round: number): Address {
    while (this.#proposers.length <= round) {
      this.#state = incrementProposerPriority(this.#state, 1);
      this.#proposers.push(this.#state.proposer);
    }
    return this.#proposers[round]!;
  }
}

// RLP integers are unsigned: priorities are zigzag-encoded (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...).
function zigzag(value: bigint): bigint {
  return value >= 0n ? value * 2n : -value * 2n - 1n;
}

function unzigzag(value: bigint): bigint {
  return value % 2n === 0n ? value / 2n : -(value + 1n) / 2n;
}

export function encodeProposerState(state: ProposerState): Uint8Array {
  return rlpEncode([
    state.validators.map(({ validator: v, priority }) => [
      addressToBytes(v.address),
      v.pubKey,
      v.power,
      addressToBytes(v.rewardAddress),
      zigzag(priority),
    ]),
    addressToBytes(state.proposer),
  ]);
}

export function decodeProposerState(bytes: Uint8Array): ProposerState {
  try {
    const [list, proposer] = asList(rlpDecode(bytes, 'proposer state'), 'proposer state', 2);
    const validators = asList(list, 'validators').map((item: RlpItem, i) => {
      const f = asList(item, `validators[${i}]`, 5);
      const validator: Validator = {
        address: bytesToHex(asBytes(f[0], `validators[${i}].address`, 20)) as Address,
        pubKey: asBytes(f[1], `validators[${i}].pubKey`, 32),
        power: asBigint(f[2], `validators[${i}].power`, 8),
        rewardAddress: bytesToHex(asBytes(f[3], `validators[${i}].rewardAddress`, 20)) as Address,
      };
      return { validator, priority: unzigzag(asBigint(f[4], `validators[${i}].priority`, 9)) };
    });
    const proposerAddress = bytesToHex(asBytes(proposer, 'proposer', 20)) as Address;
    for (let i = 1; i < validators.length; i++) {
      if (byAddress(validators[i - 1]!, validators[i]!) >= 0)
        throw new DecodeError('validators not sorted by address');
    }
    if (!validators.some((v) => v.validator.address === proposerAddress)) {
      throw new DecodeError('proposer is not in the validator set');
    }
    return { validators, proposer: proposerAddress };
  } catch (err) {
    throw new ConsensusError('PROPOSER_STATE_CORRUPT', `proposer state: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

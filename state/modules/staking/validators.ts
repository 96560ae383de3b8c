// Creating and editing validators. A validator is named by its operator (the account that created
// it) and bound to one ed25519 consensus key for ever: the key signs the binding to the operator,
// so nobody can register someone else's key, and no key serves two validators, even after one is
// tombstoned.
import { type Address, addressToBytes } from '../../../core/address.ts';
import { bigintToFixedBytes, bytesToHex, concatBytes, utf8ToBytes } from '../../../core/bytes.ts';
import { ed25519Sign, ed25519Verify } from '../../../core/ed25519.ts';
import { keccak256 } from '../../../core/hash.ts';
import { validatorAddress } from '../../../core/validator.ts';
import type { StateOverlay } from '../../stateDb.ts';
import { bond } from './bonding.ts';
import { type Call, requireNoValue } from './call.ts';
import { StakingError } from './errors.ts';
import { emit } from './events.ts';
import { GAS } from './gas.ts';
import { payIn } from './ledger.ts';
import { readStakingParams } from './params.ts';
import { LIMITS, type ValidatorRecord } from './records.ts';
import {
  addOperator,
  bindConsensusAddress,
  operatorOfConsensusAddress,
  readPool,
  readValidator,
  requireValidator,
  type Stake,
  unmetered,
  writePool,
  writeValidator,
} from './store.ts';

const BPS = 10_000;
/** A commission may change once per day of block time, by at most the validator's maxChangeBps. */
export const COMMISSION_CHANGE_INTERVAL_MS = 86_400_000;
const BIND_KEY_DOMAIN = utf8ToBytes('openchain/staking/bind-key');

/** What the consensus key signs: keccak256("openchain/staking/bind-key" || uint256 chainId || operator). */
export function keyBindingMessage(chainId: bigint, operator: Address): Uint8Array {
  return keccak256(concatBytes(BIND_KEY_DOMAIN, bigintToFixedBytes(chainId, 32), addressToBytes(operator)));
}

/** The consensus key's signature binding it to `operator` on `chainId` (createValidator, genesis statements). */
export function signKeyBinding(chainId: bigint, operator: Address, secretKey: Uint8Array): Uint8Array {
  return ed25519Sign(keyBindingMessage(chainId, operator), secretKey);
}

export function keyBindingValid(
  chainId: bigint,
  operator: Address,
  consensusKey: Uint8Array,
  signature: Uint8Array,
): boolean {
  return ed25519Verify(signature, keyBindingMessage(chainId, operator), consensusKey);
}

function requireText(value: string, field: string, maxBytes: number): void {
  const size = utf8ToBytes(value).length;
  if (size > maxBytes)
    throw new StakingError('INVALID_ARGUMENT', `${field} is ${size} bytes, limit ${maxBytes}`);
}

function requireCommission(commissionBps: number, maxCommissionBps: number, maxChangeBps: number): void {
  if (maxCommissionBps > BPS)
    throw new StakingError('INVALID_ARGUMENT', `maxCommissionBps ${maxCommissionBps} is above 10000`);
  if (maxChangeBps > maxCommissionBps)
    throw new StakingError(
      'INVALID_ARGUMENT',
      `maxChangeBps ${maxChangeBps} is above maxCommissionBps ${maxCommissionBps}`,
    );
  if (commissionBps > maxCommissionBps)
    throw new StakingError(
      'COMMISSION_ABOVE_MAX',
      `commission ${commissionBps} bps is above the maximum ${maxCommissionBps} bps`,
    );
}

export interface NewValidator {
  readonly operator: Address;
  readonly consensusKey: Uint8Array;
  readonly selfBond: bigint;
  readonly commissionBps: number;
  readonly maxCommissionBps: number;
  readonly maxChangeBps: number;
  readonly moniker: string;
  readonly metadata: string;
}

/** Checks and writes a new validator with its self-bond (already in the module's account). */
function addValidator(stake: Stake, n: NewValidator, minSelfBond: bigint, time: number): ValidatorRecord {
  const state = stake.state;
  if (readValidator(state, n.operator))
    throw new StakingError('VALIDATOR_EXISTS', `${n.operator} already operates a validator`);
  const consensusAddress = validatorAddress(n.consensusKey);
  const holder = operatorOfConsensusAddress(state, consensusAddress);
  if (holder)
    throw new StakingError(
      'CONSENSUS_KEY_IN_USE',
      `consensus key ${bytesToHex(n.consensusKey)} is already bound to validator ${holder}`,
    );
  requireCommission(n.commissionBps, n.maxCommissionBps, n.maxChangeBps);
  requireText(n.moniker, 'moniker', LIMITS.moniker);
  requireText(n.metadata, 'metadata', LIMITS.metadata);
  if (n.selfBond < minSelfBond)
    throw new StakingError(
      'SELF_BOND_TOO_LOW',
      `self-bond ${n.selfBond} is below the minimum ${minSelfBond}`,
    );
  const created: ValidatorRecord = {
    operator: n.operator,
    consensusKey: n.consensusKey,
    inSet: false,
    jailed: false,
    tombstoned: false,
    jailedUntil: 0,
    tokens: 0n,
    delegatorShares: 0n,
    power: 0,
    commissionBps: n.commissionBps,
    maxCommissionBps: n.maxCommissionBps,
    maxChangeBps: n.maxChangeBps,
    commissionChangedAt: time,
    commission: 0n,
    rewardPerShare: 0n,
    rewardCarry: 0n,
    missedBlocks: 0,
    moniker: n.moniker,
    metadata: n.metadata,
  };
  const bonded = bond(stake, n.operator, created, n.selfBond, readPool(state));
  writeValidator(state, bonded.validator);
  writePool(state, bonded.pool);
  bindConsensusAddress(state, consensusAddress, n.operator);
  addOperator(state, n.operator);
  return bonded.validator;
}

export function createValidator(
  call: Call,
  args: Omit<NewValidator, 'operator' | 'selfBond'> & { keySignature: Uint8Array },
): void {
  const { ctx } = call;
  const operator = ctx.from;
  ctx.useGas(GAS.keySignature);
  if (!keyBindingValid(ctx.block.chainId, operator, args.consensusKey, args.keySignature))
    throw new StakingError(
      'BAD_KEY_SIGNATURE',
      `keySignature is not the consensus key's signature of the binding to ${operator} on chain ${ctx.block.chainId}`,
    );
  const v = addValidator(
    call.stake,
    { ...args, operator, selfBond: ctx.value },
    call.params.minSelfBond,
    ctx.block.time,
  );
  emit(ctx, 'ValidatorCreated', {
    operator,
    consensusKey: bytesToHex(v.consensusKey),
    selfBond: ctx.value,
    commissionBps: v.commissionBps,
    moniker: v.moniker,
  });
}

/** A genesis validator's commission ceiling unless it says otherwise (genesis files cannot). */
export const GENESIS_MAX_COMMISSION_BPS = 1_000;

export interface GenesisValidator {
  readonly operator: Address;
  readonly consensusKey: Uint8Array;
  readonly selfBond: bigint;
  readonly moniker: string;
  /** Defaults: no commission, at most 10% later, changing by at most 1% a day. */
  readonly commissionBps?: number;
  readonly maxCommissionBps?: number;
  readonly maxChangeBps?: number;
}

/**
 * Genesis seam: a validator of the genesis file, its self-bond taken from the operator's
 * allocation (StakingError INSUFFICIENT_BALANCE if the allocation cannot cover it). It starts
 * outside the active set: the genesis applies the set with applyActiveSet. No key signature: the
 * genesis file is trusted as a whole.
 */
export function createGenesisValidator(state: StateOverlay, g: GenesisValidator, time = 0): void {
  const stake = unmetered(state);
  payIn(stake, g.operator, g.selfBond);
  addValidator(
    stake,
    {
      operator: g.operator,
      consensusKey: g.consensusKey,
      selfBond: g.selfBond,
      commissionBps: g.commissionBps ?? 0,
      maxCommissionBps: g.maxCommissionBps ?? GENESIS_MAX_COMMISSION_BPS,
      maxChangeBps: g.maxChangeBps ?? 100,
      moniker: g.moniker,
      metadata: '',
    },
    readStakingParams(state).minSelfBond,
    time,
  );
}

export function editValidator(
  call: Call,
  args: { commissionBps: number; moniker: string; metadata: string },
): void {
  requireNoValue(call, 'editValidator');
  const { ctx } = call;
  const v = requireValidator(call.stake.state, ctx.from);
  requireText(args.moniker, 'moniker', LIMITS.moniker);
  requireText(args.metadata, 'metadata', LIMITS.metadata);
  let changedAt = v.commissionChangedAt;
  if (args.commissionBps !== v.commissionBps) {
    requireCommission(args.commissionBps, v.maxCommissionBps, 0);
    const step = Math.abs(args.commissionBps - v.commissionBps);
    if (step > v.maxChangeBps)
      throw new StakingError(
        'COMMISSION_CHANGE_TOO_FAST',
        `commission may change by at most ${v.maxChangeBps} bps at a time, not ${step}`,
      );
    const since = ctx.block.time - v.commissionChangedAt;
    if (since < COMMISSION_CHANGE_INTERVAL_MS)
      throw new StakingError(
        'COMMISSION_CHANGE_TOO_FAST',
        `commission changed ${since} ms ago; it may change once per ${COMMISSION_CHANGE_INTERVAL_MS} ms of block time`,
      );
    changedAt = ctx.block.time;
  }
  writeValidator(call.stake.state, {
    ...v,
    commissionBps: args.commissionBps,
    commissionChangedAt: changedAt,
    moniker: args.moniker,
    metadata: args.metadata,
  });
  emit(ctx, 'ValidatorEdited', { operator: ctx.from, ...args });
}

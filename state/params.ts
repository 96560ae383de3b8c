// Chain parameters that block validity depends on. They live in the state (so the state root commits
// to them and governance can change them later) and are set by the genesis file.
import { type Address, addressFromBytes, addressToBytes } from '../core/address.ts';
import { asBigint, asBytes, asList, asSafeInt, rlpDecode, rlpEncode } from '../core/rlp.ts';
import type { StateOverlay, StateReader } from './stateDb.ts';
import { stateKeys } from './stateKeys.ts';

export interface ChainParams {
  /** Gas available to one block. */
  readonly blockGasLimit: bigint;
  /** Largest encoded transaction accepted, in bytes. */
  readonly maxTxBytes: number;
  /** Largest sum of transaction bytes in one block. */
  readonly maxBlockTxBytes: number;
  /** Base fee of block 1, and the floor below which the EIP-1559 base fee never falls. */
  readonly minBaseFee: bigint;
  /** EIP-1559: the base fee moves by at most 1/denominator per block. */
  readonly baseFeeChangeDenominator: bigint;
  /** EIP-1559: target gas = blockGasLimit / elasticity. */
  readonly elasticityMultiplier: bigint;
  /** Share of base fees burned, in basis points; the rest goes to the treasury. Tips go to the proposer. */
  readonly baseFeeBurnBps: number;
  readonly treasury: Address;
  /** Duplicate-vote evidence older than this many blocks can no longer be included. */
  readonly evidenceMaxAgeBlocks: number;
}

const KEY = stateKeys.params('chain');

export function encodeParams(p: ChainParams): Uint8Array {
  return rlpEncode([
    p.blockGasLimit,
    p.maxTxBytes,
    p.maxBlockTxBytes,
    p.minBaseFee,
    p.baseFeeChangeDenominator,
    p.elasticityMultiplier,
    p.baseFeeBurnBps,
    addressToBytes(p.treasury),
    p.evidenceMaxAgeBlocks,
  ]);
}

export function decodeParams(bytes: Uint8Array): ChainParams {
  const f = asList(rlpDecode(bytes, 'params'), 'params', 9);
  return {
    blockGasLimit: asBigint(f[0], 'blockGasLimit', 8),
    maxTxBytes: asSafeInt(f[1], 'maxTxBytes'),
    maxBlockTxBytes: asSafeInt(f[2], 'maxBlockTxBytes'),
    minBaseFee: asBigint(f[3], 'minBaseFee'),
    baseFeeChangeDenominator: asBigint(f[4], 'baseFeeChangeDenominator'),
    elasticityMultiplier: asBigint(f[5], 'elasticityMultiplier'),
    baseFeeBurnBps: asSafeInt(f[6], 'baseFeeBurnBps'),
    treasury: addressFromBytes(asBytes(f[7], 'treasury', 20)),
    evidenceMaxAgeBlocks: asSafeInt(f[8], 'evidenceMaxAgeBlocks'),
  };
}

export function readParams(state: StateReader): ChainParams {
  const bytes = state.get(KEY);
  if (!bytes) throw new Error('chain parameters missing from state');
  return decodeParams(bytes);
}

export function writeParams(state: StateOverlay, params: ChainParams): void {
  state.set(KEY, encodeParams(params));
}

// Chain parameters that block validity depends on, declared once with their bounds and the rules
// between them: the state's codec, genesis validation (genesis/schema.ts derives it from
// chainParams) and governance proposals that change them (modules/gov/registry.ts) all use this
// declaration. They live in the state, so the state root commits to them and every reader takes
// the value of the latest state (Chain.params()), never a copy made at start.
import { address, bigUint, param, paramSet, uint16, uint32, uint64, uint256 } from './codec/schema.ts';
import { GAS } from './execution/gas.ts';
import type { StateOverlay, StateReader } from './stateDb.ts';
import { stateKeys } from './stateKeys.ts';

const BPS = 10_000;
const MAX_UINT256 = 2n ** 256n - 1n;

/**
 * The largest maxBlockTxBytes: every proposal is one record of the consensus WAL, which refuses
 * records above 64 MiB (consensus/wal.ts DEFAULT_MAX_RECORD_BYTES), and a block carries more than its
 * transactions (their framing, the last commit, evidence). test/consensus/walLimits.test.ts checks
 * that the largest block allowed here fits.
 */
export const MAX_BLOCK_TX_BYTES = 48 * 1024 * 1024;

/** Gossipsub (17.x) cannot frame messages above 4 MiB; 3 MiB leaves room for the envelope. */
export const MAX_TX_BYTES = 3 * 1024 * 1024;

/**
 * The largest transaction and block budget governance can ever set: what the network transport
 * (gossip frames, block sync responses) must carry. Sized from these rather than from the current
 * values, a node never refuses at the transport a block or transaction that a governance change
 * made valid; the current limits are the application's (mempool admission, block validity).
 */
export const TRANSPORT_LIMITS = { maxTxBytes: MAX_TX_BYTES, maxBlockTxBytes: MAX_BLOCK_TX_BYTES } as const;

/**
 * Most intrinsic gas one byte of a transaction can cost: an access-list address entry, 23 encoded
 * bytes (list header, 0x94 and 20 address bytes, empty key list) for 2,400 gas, rounded up. Calldata
 * costs at most 16 per byte, storage keys about 58.
 */
const MAX_GAS_PER_TX_BYTE = (GAS.accessListAddress + 22n) / 23n;

/** An upper bound of the intrinsic gas of any transaction of `bytes` encoded bytes. */
export function maxIntrinsicGas(bytes: number): bigint {
  return GAS.txBase + MAX_GAS_PER_TX_BYTE * BigInt(bytes);
}

export const chainParams = paramSet(
  'chain params',
  {
    /** Gas available to one block (at least one transfer; see the rules for one maximal transaction). */
    blockGasLimit: param(bigUint(64), { min: 21_000n, max: 2n ** 64n - 1n }),
    /** Largest encoded transaction accepted, in bytes. */
    maxTxBytes: param(uint32, {
      min: 128,
      max: MAX_TX_BYTES,
      why: 'a transaction must fit one gossip message (gossipsub frames at most 4 MiB)',
    }),
    /** Largest sum of transaction bytes in one block. */
    maxBlockTxBytes: param(uint32, {
      min: 1024,
      max: MAX_BLOCK_TX_BYTES,
      why: 'a block must fit one record of the consensus WAL (64 MiB)',
    }),
    /** Base fee of block 1, and the floor below which the EIP-1559 base fee never falls. */
    minBaseFee: param(uint256, { min: 0n, max: MAX_UINT256 }),
    /** EIP-1559: the base fee moves by at most 1/denominator per block. */
    baseFeeChangeDenominator: param(uint32, { min: 1, max: 1_000_000 }),
    /** EIP-1559: target gas = blockGasLimit / elasticity. */
    elasticityMultiplier: param(uint32, { min: 1, max: 1_000 }),
    /** Share of base fees burned, in basis points; the rest goes to the treasury. Tips go to the proposer. */
    baseFeeBurnBps: param(uint16, { min: 0, max: BPS }),
    treasury: param(address),
    /** Duplicate-vote evidence older than this many blocks can no longer be included. */
    evidenceMaxAgeBlocks: param(uint64, { min: 1, max: 1_000_000 }),
  },
  (p) => {
    if (p.maxBlockTxBytes < p.maxTxBytes)
      return {
        param: 'maxBlockTxBytes',
        message: `${p.maxBlockTxBytes} is below maxTxBytes (${p.maxTxBytes}): a transaction of the largest allowed size could never fit a block`,
      };
    const oneTx = maxIntrinsicGas(p.maxTxBytes);
    if (p.blockGasLimit < oneTx)
      return {
        param: 'blockGasLimit',
        message: `${p.blockGasLimit} is below one transaction: a transaction of maxTxBytes (${p.maxTxBytes}) bytes may need ${oneTx} gas (21000 + ${MAX_GAS_PER_TX_BYTE} per byte), and could never fit a block`,
      };
    return undefined;
  },
);

export type ChainParams = ReturnType<typeof chainParams.decode>;

const KEY = stateKeys.params('chain');

export function readParams(state: StateReader): ChainParams {
  const bytes = state.get(KEY);
  if (!bytes) throw new Error('chain parameters missing from state');
  return chainParams.decode(bytes);
}

/** Throws ParamError (naming the parameter) for a value outside its bounds, writing nothing. */
export function writeParams(state: StateOverlay, params: ChainParams): void {
  state.set(KEY, chainParams.encode(params));
}

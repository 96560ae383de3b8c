// From a validated genesis document to the genesis block (height 0): its state (parameters,
// allocations, the rewards pool, validators as genesis stake) and its header. The genesis hash is that header's hash, so it commits to
// everything in the file: chain id and time directly, the rest through stateRoot and validatorsHash.
import { ZERO_ADDRESS } from '../core/address.ts';
import { blockHash, evidenceListHash, type Header, txRoot, ZERO_HASH } from '../core/block.ts';
import { emptyBloom } from '../core/bloom.ts';
import { bytesToHex, type Hex, hexToBytes } from '../core/bytes.ts';
import { sha256 } from '../core/hash.ts';
import { receiptsRoot } from '../core/receipt.ts';
import { type Validator, validatorAddress, validatorsHash } from '../core/validator.ts';
import { commitHash } from '../core/vote.ts';
import { credit, MAX_BALANCE, writeAccount } from '../state/accounts.ts';
import { writeAttributionParams } from '../state/modules/attribution/params.ts';
import { writeGovParams } from '../state/modules/gov/params.ts';
import {
  applyActiveSet,
  createGenesisValidator,
  readPool,
  STAKING_ADDRESS,
  writePool,
  writeStakingParams,
} from '../state/modules/staking/index.ts';
import { type ChainParams, writeParams } from '../state/params.ts';
import { type StateChange, StateOverlay } from '../state/stateDb.ts';
import { writeSupply } from '../state/supply.ts';
import { EMPTY_ROOT, StateTree } from '../state/tree/index.ts';
import { writeValidators } from '../state/validatorSet.ts';
import { createVesting, recordDelegation } from '../state/vesting/store.ts';
import type { Genesis } from './schema.ts';
import { scheduleOf } from './vesting.ts';

export interface GenesisBlock {
  readonly header: Header;
  readonly hash: Hex;
  readonly changes: readonly StateChange[];
  readonly nodes: readonly [Uint8Array, Uint8Array][];
  readonly validators: readonly Validator[];
  readonly params: ChainParams;
}

export function genesisValidators(g: Genesis): Validator[] {
  return g.validators.map((v) => {
    const pubKey = hexToBytes(v.pubKey);
    return { address: validatorAddress(pubKey), pubKey, power: v.power, rewardAddress: v.rewardAddress };
  });
}

export function genesisParams(g: Genesis): ChainParams {
  const { attribution: _, ...p } = g.params;
  return p;
}

export async function buildGenesisBlock(g: Genesis): Promise<GenesisBlock> {
  const state = new StateOverlay({ get: () => undefined });
  const params = genesisParams(g);
  const validators = genesisValidators(g);
  writeParams(state, params);
  writeAttributionParams(state, g.params.attribution);
  writeStakingParams(state, g.staking.params);
  if (g.gov) writeGovParams(state, g.gov.params);
  const genesisTime = Date.parse(g.genesisTime);
  for (const a of g.alloc) {
    writeAccount(state, a.address, { nonce: 0n, balance: a.balance });
    if (a.vesting) createVesting(state, a.address, scheduleOf(a.vesting));
  }
  credit(state, STAKING_ADDRESS, g.staking.rewardsPool);
  // Validation bounds the supply by MAX_BALANCE; only a genesis built past it (tests of the overflow
  // guard) exceeds it, and then records the largest supply there can be.
  const supply = g.alloc.reduce((sum, a) => sum + a.balance, g.staking.rewardsPool);
  writeSupply(state, supply > MAX_BALANCE ? MAX_BALANCE : supply);
  writePool(state, { ...readPool(state), rewardsPool: g.staking.rewardsPool });
  // Each validator's self-bond (power × powerReduction) moves from its operator's allocation into
  // the module; schema validation made sure the allocation covers it. A vesting operator bonds its
  // locked tokens first, as any delegation does.
  for (const v of g.validators) {
    const selfBond = v.power * g.staking.params.powerReduction;
    createGenesisValidator(
      state,
      {
        operator: v.rewardAddress,
        consensusKey: hexToBytes(v.pubKey),
        selfBond,
        moniker: v.name,
        commissionBps: v.commissionBps,
      },
      genesisTime,
    );
    recordDelegation(state, v.rewardAddress, selfBond, genesisTime);
  }
  writeValidators(
    state,
    applyActiveSet(
      state,
      validators.map((v) => ({ operator: v.rewardAddress, power: v.power })),
    ),
  );
  const changes = state.changes();

  const tree = new StateTree({ get: async () => undefined });
  const { root, nodes } = await tree.update(
    EMPTY_ROOT,
    changes.map((c) => ({ key: sha256(c.key), value: c.value })),
  );
  const valHash = bytesToHex(validatorsHash(validators));
  const header: Header = {
    chainId: BigInt(g.chainId),
    height: 0,
    time: Date.parse(g.genesisTime),
    parentHash: ZERO_HASH,
    txRoot: txRoot([]),
    stateRoot: bytesToHex(root),
    receiptsRoot: receiptsRoot([]),
    logsBloom: emptyBloom(),
    proposer: ZERO_ADDRESS,
    validatorsHash: valHash,
    nextValidatorsHash: valHash,
    lastCommitHash: bytesToHex(commitHash(null)),
    evidenceHash: evidenceListHash([]),
    gasLimit: params.blockGasLimit,
    gasUsed: 0n,
    baseFeePerGas: params.minBaseFee,
  };
  return { header, hash: blockHash(header), changes, nodes, validators, params };
}

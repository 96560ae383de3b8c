// The open_ methods' JSON, typed from the modules' ABIs so the types follow the ABI instead of a
// hand-written copy: integers as hex quantities (small ABI integers as numbers), enum fields by name.
import type { ContractFunctionName, ContractFunctionReturnType, Hex } from 'viem';
import type { attributionAbi } from '../state/modules/attribution/abi.ts';
import type { stakingAbi } from '../state/modules/staking/abi.ts';

/** Fields the node writes by name (rpc/attribution.ts, rpc/staking.ts). */
type EnumField = 'policy' | 'status' | 'bondStatus' | 'flagReason' | 'role';

/** An ABI value as the open_ methods write it. */
export type OpenJson<T> = T extends bigint
  ? Hex
  : T extends readonly (infer U)[]
    ? OpenJson<U>[]
    : T extends object
      ? {
          [K in keyof T]: K extends EnumField
            ? T[K] extends number
              ? string
              : OpenJson<T[K]>
            : OpenJson<T[K]>;
        }
      : T;

type AttributionView = ContractFunctionName<typeof attributionAbi, 'view'>;
type StakingView = ContractFunctionName<typeof stakingAbi, 'view'>;

/** What the attribution module's view `name` returns, as open_ JSON. */
export type AttributionJson<F extends AttributionView> = OpenJson<
  ContractFunctionReturnType<typeof attributionAbi, 'view', F>
>;
/** What the staking module's view `name` returns, as open_ JSON. */
export type StakingJson<F extends StakingView> = OpenJson<
  ContractFunctionReturnType<typeof stakingAbi, 'view', F>
>;

export interface ValidatorSetJson {
  height: Hex;
  validators: {
    address: Hex;
    pubKey: Hex;
    power: Hex;
    rewardAddress: Hex;
    operator: Hex;
    stake: Hex | null;
    status: string | null;
  }[];
}

export interface CommitJson {
  height: Hex;
  round: Hex;
  blockHash: Hex;
  signatures: { validator: Hex; signature: Hex }[];
}

export interface ProofJson {
  blockNumber: Hex;
  blockHash: Hex;
  stateRoot: Hex;
  stateKey: Hex;
  treeKey: Hex;
  value: Hex | null;
  proof: unknown;
}

export interface DelegatorJson {
  address: Hex;
  pendingRewards: Hex;
  /** Rewards and commission paid to the address so far. */
  paid: { rewards: Hex; commission: Hex };
  delegations: StakingJson<'delegations'>;
  unbondings: StakingJson<'unbondings'>;
  redelegations: StakingJson<'redelegations'>;
}

export interface ModuleEventJson {
  module: 'attribution' | 'staking';
  event: string;
  args: Record<string, unknown>;
  blockNumber: Hex;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: Hex;
}

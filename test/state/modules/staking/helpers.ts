// A staking test bench: the block state as a StateOverlay over an empty store, the staking module in
// a real ModuleRegistry, and calls run through the execution path transactions take (runCall: value
// transfer, module call, revert on failure, gas metering). Calldata is viem-encoded, events
// viem-decoded, views answered by the module's eth_call handler.
import { type Abi, decodeEventLog, decodeFunctionResult, encodeFunctionData } from 'viem';
import { expect } from 'vitest';
import type { Address } from '../../../../core/address.ts';
import { bytesToHex, hexToBytes } from '../../../../core/bytes.ts';
import { ed25519PublicKey, ed25519Sign } from '../../../../core/ed25519.ts';
import { readAccount, writeAccount } from '../../../../state/accounts.ts';
import { type CallOutcome, runCall } from '../../../../state/execution/executeTx.ts';
import { ModuleRegistry } from '../../../../state/modules/module.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../../../state/modules/staking/abi.ts';
import { completeMaturedUnbondings } from '../../../../state/modules/staking/entries.ts';
import { StakingModule } from '../../../../state/modules/staking/module.ts';
import { type StakingParams, writeStakingParams } from '../../../../state/modules/staking/params.ts';
import { readPool, readValidator } from '../../../../state/modules/staking/store.ts';
import { keyBindingMessage } from '../../../../state/modules/staking/validators.ts';
import { type ChainParams, writeParams } from '../../../../state/params.ts';
import { StateOverlay } from '../../../../state/stateDb.ts';

export const ETH = 10n ** 18n;
export const CHAIN_ID = 1337n;
export const TREASURY: Address = '0x0000000000000000000000000000000000007ea5';

export const CHAIN_PARAMS: ChainParams = {
  blockGasLimit: 1_000_000_000n,
  maxTxBytes: 131_072,
  maxBlockTxBytes: 16_777_216,
  minBaseFee: 1_000_000_000n,
  baseFeeChangeDenominator: 8,
  elasticityMultiplier: 2,
  baseFeeBurnBps: 10_000,
  treasury: TREASURY,
  evidenceMaxAgeBlocks: 100,
};

/** Small parameters: power 1 per OPEN, short unbonding, few entries. */
export const TEST_PARAMS: StakingParams = {
  maxValidators: 4,
  minSelfBond: ETH,
  powerReduction: ETH,
  unbondingBlocks: 10,
  maxEntries: 3,
  signedBlocksWindow: 10,
  minSignedPerWindowBps: 5_000,
  downtimeJailBlocks: 5,
  slashFractionDoubleSignBps: 500,
  slashFractionDowntimeBps: 100,
  slashToTreasury: false,
  feesToStakersBps: 10_000,
  maxPowerChangeBps: 3_333,
  blockReward: 0n,
  rewardHalvingBlocks: 0,
};

/** Deterministic test accounts (addresses only: runCall takes the sender as given). */
export function account(n: number): Address {
  return `0x${n.toString(16).padStart(40, 'a')}` as Address;
}

export interface ConsensusKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function consensusKey(n: number): ConsensusKey {
  const secretKey = new Uint8Array(32).fill(n & 0xff);
  secretKey[0] = 0xc0;
  return { secretKey, publicKey: ed25519PublicKey(secretKey) };
}

export function bindingSignature(key: ConsensusKey, operator: Address, chainId = CHAIN_ID): Uint8Array {
  return ed25519Sign(keyBindingMessage(chainId, operator), key.secretKey);
}

type FunctionName = Extract<(typeof stakingAbi)[number], { type: 'function' }>['name'];
const abi = stakingAbi as Abi;

export interface Outcome extends CallOutcome {
  readonly events: { eventName: string; args: Record<string, unknown> }[];
}

export class StakingBench {
  readonly state = new StateOverlay({ get: () => undefined });
  readonly modules = new ModuleRegistry([new StakingModule()]);
  height = 1;
  time = 1_767_225_600_000;

  /** params null: a chain whose genesis has no staking section. */
  constructor(params: StakingParams | null = TEST_PARAMS, funded: readonly Address[] = []) {
    writeParams(this.state, CHAIN_PARAMS);
    if (params) writeStakingParams(this.state, params);
    for (const a of funded) this.fund(a, 1_000_000n * ETH);
  }

  fund(address: Address, amount: bigint): void {
    const acc = readAccount(this.state, address);
    writeAccount(this.state, address, { ...acc, balance: acc.balance + amount });
  }

  balance(address: Address): bigint {
    return readAccount(this.state, address).balance;
  }

  /** Runs the end of the current block (maturing entries) and moves to the next one. */
  endBlock(): void {
    completeMaturedUnbondings(this.state, this.height);
    this.height++;
    this.time += 1_000;
  }

  advance(blocks: number): void {
    for (let i = 0; i < blocks; i++) this.endBlock();
  }

  call(
    from: Address,
    name: FunctionName,
    args: readonly unknown[],
    value = 0n,
    gasLimit = 10_000_000n,
  ): Outcome {
    const data = hexToBytes(encodeFunctionData({ abi, functionName: name, args }));
    return this.callData(from, data, value, gasLimit);
  }

  callData(from: Address, data: Uint8Array, value = 0n, gasLimit = 10_000_000n): Outcome {
    const outcome = runCall(
      this.state,
      {
        block: { chainId: CHAIN_ID, height: this.height, time: this.time, params: CHAIN_PARAMS },
        baseFee: 0n,
        modules: this.modules,
      },
      { from, to: STAKING_ADDRESS, value, data, gasLimit, gasUsedBefore: 0n },
    );
    const events = outcome.logs.map((log) => {
      expect(log.address).toBe(STAKING_ADDRESS);
      const decoded = decodeEventLog({
        abi,
        data: bytesToHex(log.data),
        topics: log.topics as [`0x${string}`],
      });
      return {
        eventName: decoded.eventName as unknown as string,
        args: decoded.args as unknown as Record<string, unknown>,
      };
    });
    return { ...outcome, events };
  }

  /** A call that must succeed. */
  send(from: Address, name: FunctionName, args: readonly unknown[], value = 0n): Outcome {
    const out = this.call(from, name, args, value);
    expect(out.error).toBe('');
    expect(out.status).toBe(1);
    return out;
  }

  /** A call that must fail with `error` and leave the state exactly as it was. */
  fails(
    from: Address,
    name: FunctionName | Uint8Array,
    args: readonly unknown[],
    error: RegExp,
    value = 0n,
  ): Outcome {
    const before = this.state.changes();
    const out =
      name instanceof Uint8Array ? this.callData(from, name, value) : this.call(from, name, args, value);
    expect(out.status).toBe(0);
    expect(out.error).toMatch(error);
    expect(out.logs).toEqual([]);
    expect(this.state.changes()).toEqual(before);
    return out;
  }

  /**
   * The code of the StakingError a transaction fails with (a receipt carries only the message):
   * the call runs straight through the module's execute, unmetered and without moving value, and
   * everything it wrote is reverted.
   */
  codeOf(from: Address, name: FunctionName, args: readonly unknown[], value = 0n): string {
    const data = hexToBytes(encodeFunctionData({ abi, functionName: name, args }));
    const snapshot = this.state.snapshot();
    try {
      this.modules.get(STAKING_ADDRESS)!.execute(
        {
          state: this.state,
          block: { chainId: CHAIN_ID, height: this.height, time: this.time, params: CHAIN_PARAMS },
          from,
          value,
          useGas: () => {},
          emit: () => {},
        },
        data,
      );
    } catch (err) {
      return (err as { code?: string }).code ?? `not a coded error: ${err}`;
    } finally {
      this.state.revert(snapshot);
    }
    throw new Error(`${name} did not fail`);
  }

  /** eth_call of a view, decoded with viem. */
  view(name: FunctionName, args: readonly unknown[] = []): unknown {
    const data = encodeFunctionData({ abi, functionName: name, args });
    const out = this.modules
      .get(STAKING_ADDRESS)!
      .view(
        this.state,
        { chainId: CHAIN_ID, height: this.height, time: this.time, params: CHAIN_PARAMS },
        hexToBytes(data),
        account(0),
      );
    return decodeFunctionResult({ abi, functionName: name, data: bytesToHex(out) });
  }

  /** Creates a validator operated by `operator` with consensus key n. */
  createValidator(
    operator: Address,
    key: ConsensusKey,
    selfBond: bigint,
    opts: { commissionBps?: number; maxCommissionBps?: number; maxChangeBps?: number; moniker?: string } = {},
  ): Outcome {
    return this.send(
      operator,
      'createValidator',
      [
        bytesToHex(key.publicKey),
        bytesToHex(bindingSignature(key, operator)),
        opts.commissionBps ?? 1_000,
        opts.maxCommissionBps ?? 2_000,
        opts.maxChangeBps ?? 100,
        opts.moniker ?? 'val',
        '',
      ],
      selfBond,
    );
  }

  validator(operator: Address) {
    return readValidator(this.state, operator)!;
  }

  pool() {
    return readPool(this.state);
  }

  /** The module-balance invariant of docs/staking.md. */
  expectSolvent(): void {
    const p = this.pool();
    expect(this.balance(STAKING_ADDRESS)).toBe(
      p.bonded + p.notBonded + p.rewardsPool + (p.distributed - p.paid),
    );
  }
}

// Native modules: state machines reached by transactions to a fixed address with Solidity-ABI
// calldata. A module never imports consensus or p2p; it sees only this context.
import type { Address } from '../../core/address.ts';
import { OpenchainError } from '../../core/errors.ts';
import type { Log } from '../../core/receipt.ts';
import type { ChainParams } from '../params.ts';
import type { StateOverlay, StateReader } from '../stateDb.ts';

export interface BlockInfo {
  readonly chainId: bigint;
  readonly height: number;
  /** Block time in milliseconds; the only clock a module may use. */
  readonly time: number;
  readonly params: ChainParams;
}

export interface CallContext {
  readonly state: StateOverlay;
  readonly block: BlockInfo;
  readonly from: Address;
  readonly value: bigint;
  /** Charges gas; throws OutOfGasError when the transaction's limit is exceeded. */
  useGas(amount: bigint): void;
  emit(log: Log): void;
}

export interface Module {
  readonly name: string;
  readonly address: Address;
  /**
   * Value sent to this module is staked, so it may be tokens an unlock schedule still locks
   * (docs/vesting.md); value sent anywhere else must be spendable.
   */
  readonly stakesValue?: boolean;
  /** Runs a transaction's call. Throwing ModuleError fails the transaction (state reverted, fee kept). */
  execute(ctx: CallContext, data: Uint8Array): void;
  /** Answers a read-only eth_call with ABI-encoded return data. */
  view(state: StateReader, block: BlockInfo, data: Uint8Array, from: Address): Uint8Array;
}

/** A transaction's call failed for a reason the user should see (the receipt's error, eth_call's revert). */
export class ModuleError extends OpenchainError<string> {}

export class OutOfGasError extends ModuleError {
  constructor(limit: bigint) {
    super('OUT_OF_GAS', `out of gas: gas limit ${limit} exhausted`);
  }
}

export class ModuleRegistry {
  readonly #byAddress = new Map<Address, Module>();

  constructor(modules: readonly Module[]) {
    for (const m of modules) {
      if (this.#byAddress.has(m.address)) throw new Error(`two modules at ${m.address}`);
      this.#byAddress.set(m.address, m);
    }
  }

  get(address: Address): Module | undefined {
    return this.#byAddress.get(address);
  }

  list(): Module[] {
    return [...this.#byAddress.values()];
  }
}

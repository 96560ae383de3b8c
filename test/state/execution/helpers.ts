// Fixtures for the execution tests: chain parameters, funded accounts on a state overlay, signed
// transactions, and a small module whose behaviour each call's data chooses (use gas, write state,
// emit a log, fail), so gas, refunds, reverts and logs can be checked exactly. It stands in for a
// real module only to make those amounts exact; test/state/modules covers the real ones.
import { type Address, addressFromPrivateKey } from '../../../core/address.ts';
import type { Hex } from '../../../core/bytes.ts';
import { type AccessList, type SignedTx, signTx, type UnsignedTx } from '../../../core/tx.ts';
import { readAccount, writeAccount } from '../../../state/accounts.ts';
import {
  type BlockInfo,
  type CallContext,
  type Module,
  ModuleError,
  ModuleRegistry,
} from '../../../state/modules/module.ts';
import type { ChainParams } from '../../../state/params.ts';
import { StateOverlay } from '../../../state/stateDb.ts';

export const CHAIN_ID = 1337n;
export const GWEI = 10n ** 9n;
export const TREASURY: Address = '0x0000000000000000000000000000000000007ea5';
export const PROPOSER: Address = '0x00000000000000000000000000000000000fee01';
export const MODULE: Address = '0x000000000000000000000000000000000000c0de';
export const PLAIN: Address = '0x000000000000000000000000000000000000abcd';
export const TOPIC = `0x${'77'.repeat(32)}` as Hex;

export const params: ChainParams = {
  blockGasLimit: 1_000_000n,
  maxTxBytes: 1_024,
  maxBlockTxBytes: 4_096,
  minBaseFee: GWEI,
  baseFeeChangeDenominator: 8,
  elasticityMultiplier: 2,
  baseFeeBurnBps: 2_500,
  treasury: TREASURY,
  evidenceMaxAgeBlocks: 100,
};

export const block: BlockInfo = { chainId: CHAIN_ID, height: 5, time: 1_000_000, params };

export interface TestAccount {
  readonly privateKey: Uint8Array;
  readonly address: Address;
}

export function testAccount(seed: number): TestAccount {
  const privateKey = new Uint8Array(32).fill(seed);
  return { privateKey, address: addressFromPrivateKey(privateKey) };
}

/** A fresh state over nothing, with these balances. */
export function fundedState(balances: [Address, bigint][]): StateOverlay {
  const state = new StateOverlay({ get: () => undefined });
  for (const [address, balance] of balances) writeAccount(state, address, { nonce: 0n, balance });
  return state;
}

export const balanceOf = (state: StateOverlay, address: Address) => readAccount(state, address).balance;
export const nonceOf = (state: StateOverlay, address: Address) => readAccount(state, address).nonce;

/**
 * Calldata for the test module: [gas (2 bytes, big-endian, in units of 1,000), action] where
 * action 0 succeeds after writing a marker and emitting a log, 1 fails with a ModuleError after
 * writing, 2 throws a plain Error (a bug, which must not be swallowed).
 */
export function moduleCall(gasThousands: number, action: 0 | 1 | 2): Uint8Array {
  return Uint8Array.of(gasThousands >> 8, gasThousands & 0xff, action);
}

export const MARKER_KEY = Uint8Array.of(0xee, 0x01);

const testModule: Module = {
  name: 'test',
  address: MODULE,
  execute(ctx: CallContext, data: Uint8Array): void {
    ctx.state.set(MARKER_KEY, Uint8Array.of(1));
    ctx.useGas(BigInt((data[0]! << 8) | data[1]!) * 1_000n);
    if (data[2] === 1) throw new ModuleError('TEST_FAILURE', 'the test module was asked to fail');
    if (data[2] === 2) throw new Error('a bug in a module');
    ctx.emit({ address: MODULE, topics: [TOPIC], data: Uint8Array.of(data[0]!, data[1]!) });
  },
  view: () => new Uint8Array(),
};

export const modules = new ModuleRegistry([testModule]);

type TxOverrides = Partial<Pick<UnsignedTx, 'chainId' | 'nonce' | 'gasLimit' | 'to' | 'value' | 'data'>> & {
  type?: 0 | 2;
  gasPrice?: bigint;
  maxFeePerGas?: bigint;
  maxPriorityFeePerGas?: bigint;
  accessList?: AccessList;
};

/** A signed EIP-1559 transaction (or legacy with type: 0) from `from`, valid under `params`. */
export function tx(from: TestAccount, overrides: TxOverrides = {}): SignedTx {
  const {
    type = 2,
    gasPrice = 2n * GWEI,
    maxFeePerGas = 3n * GWEI,
    maxPriorityFeePerGas = GWEI,
    accessList = [],
    ...rest
  } = overrides;
  const common = {
    chainId: CHAIN_ID,
    nonce: 0n,
    gasLimit: 21_000n,
    to: PLAIN,
    value: 0n,
    data: new Uint8Array(),
  };
  const fields: UnsignedTx =
    type === 0
      ? { type: 0, gasPrice, ...common, ...rest }
      : { type: 2, maxFeePerGas, maxPriorityFeePerGas, accessList, ...common, ...rest };
  return signTx(fields, from.privateKey);
}

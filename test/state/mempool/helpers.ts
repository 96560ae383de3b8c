// Shared fixtures: real signed transactions from random keys, an in-memory account reader that
// answers asynchronously (like the node's store), and a TxRules with the chain's usual checks.
import { randomBytes } from 'node:crypto';
import { type Address, addressFromPrivateKey } from '../../../core/address.ts';
import { OpenchainError } from '../../../core/errors.ts';
import { type SignedTx, signTx } from '../../../core/tx.ts';
import type { MempoolOptions } from '../../../state/mempool/config.ts';
import { Mempool } from '../../../state/mempool/mempool.ts';
import type { AccountReader, AccountState, TxLimits, TxRules } from '../../../state/mempool/types.ts';

export const CHAIN_ID = 1337n;
export const GWEI = 10n ** 9n;
export const ETH = 10n ** 18n;
export const MIN_FEE = 1n * GWEI;
export const BLOCK_GAS = 30_000_000n;
export const RECIPIENT: Address = '0x70997970c51812dc3a010c7d01b50e20d17dc79c';
/** Value sent here counts as staked (TxRules.stakesValue), as the staking module's. */
export const STAKING: Address = '0x00000000000000000000000000000000000057a4';

export interface Key {
  readonly privateKey: Uint8Array;
  readonly address: Address;
}

export function newKey(): Key {
  const privateKey = new Uint8Array(randomBytes(32));
  return { privateKey, address: addressFromPrivateKey(privateKey) };
}

export interface TxOptions {
  /** Max fee per gas (gas price for legacy); default 2 gwei. */
  fee?: bigint;
  /** Max priority fee per gas; default 1 gwei (ignored for legacy). */
  tip?: bigint;
  gas?: bigint;
  value?: bigint;
  data?: Uint8Array;
  legacy?: boolean;
  chainId?: bigint;
  to?: Address | null;
}

export function transfer(key: Key, nonce: bigint | number, o: TxOptions = {}): SignedTx {
  const common = {
    chainId: o.chainId ?? CHAIN_ID,
    nonce: BigInt(nonce),
    gasLimit: o.gas ?? 21_000n,
    to: o.to === undefined ? RECIPIENT : o.to,
    value: o.value ?? 1n,
    data: o.data ?? new Uint8Array(0),
  };
  const fee = o.fee ?? 2n * GWEI;
  if (o.legacy) return signTx({ type: 0, ...common, gasPrice: fee }, key.privateKey);
  const tip = o.tip ?? (fee < GWEI ? fee : GWEI);
  return signTx(
    { type: 2, ...common, maxFeePerGas: fee, maxPriorityFeePerGas: tip, accessList: [] },
    key.privateKey,
  );
}

export class TestAccounts implements AccountReader {
  readonly accounts = new Map<Address, AccountState>();
  reads = 0;
  /** When set, reads wait for it: lets a test change state while a read is in flight. */
  gate: Promise<void> | undefined;

  set(address: Address, account: Partial<AccountState>): void {
    const current = this.accounts.get(address) ?? { nonce: 0n, balance: 0n };
    this.accounts.set(address, { ...current, ...account });
  }

  async getAccount(address: Address): Promise<AccountState> {
    this.reads++;
    const snapshot = this.accounts.get(address) ?? { nonce: 0n, balance: 0n };
    if (this.gate) await this.gate;
    return snapshot;
  }
}

export const testRules: TxRules = {
  check(tx) {
    if (tx.to === null) throw new OpenchainError('CONTRACT_CREATION', 'contract creation is not supported');
    let intrinsic = 21_000n;
    for (const byte of tx.data) intrinsic += byte === 0 ? 4n : 16n;
    if (tx.gasLimit < intrinsic) {
      throw new OpenchainError(
        'INTRINSIC_GAS',
        `intrinsic gas too low: gas limit ${tx.gasLimit}, needs at least ${intrinsic}`,
      );
    }
  },
  minFeePerGas: () => MIN_FEE,
  txLimits: () => ({ blockGasLimit: BLOCK_GAS, maxTxBytes: 128 * 1024 }),
  stakesValue: (to) => to === STAKING,
  headTime: () => 0,
};

/**
 * A pool with the test rules. `limits` holds the chain's transaction limits the rules give (options
 * may set them); a test changes them as a governance change would.
 */
export function makePool(options: Partial<MempoolOptions> & Partial<TxLimits> = {}): {
  pool: Mempool;
  accounts: TestAccounts;
  limits: { blockGasLimit: bigint; maxTxBytes: number };
} {
  const { blockGasLimit, maxTxBytes, ...config } = options;
  const limits = {
    ...testRules.txLimits(),
    ...(blockGasLimit && { blockGasLimit }),
    ...(maxTxBytes && { maxTxBytes }),
  };
  const accounts = new TestAccounts();
  const pool = new Mempool({ chainId: CHAIN_ID, ...config }, accounts, {
    ...testRules,
    txLimits: () => limits,
  });
  return { pool, accounts, limits };
}

/** A key whose account holds `balance` (default 1000 ETH). */
export function funded(accounts: TestAccounts, balance = 1000n * ETH, nonce = 0n): Key {
  const key = newKey();
  accounts.set(key.address, { balance, nonce });
  return key;
}

export function nonces(txs: readonly { readonly tx: SignedTx }[]): bigint[] {
  return txs.map((p) => p.tx.nonce);
}

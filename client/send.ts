// Transactions to the native modules from one local account, and what they did: each call is
// estimated (or sent with the gas given), signed locally as EIP-1559 with consecutive nonces from the
// pending one, sent, and its receipt returned with openchain's failure fields and the modules'
// events decoded by their ABIs.
import {
  type Address,
  type Client,
  type Hex,
  type LocalAccount,
  type Log,
  parseEventLogs,
  type TransactionReceipt,
} from 'viem';
import {
  estimateGas,
  getChainId,
  getGasPrice,
  getTransactionCount,
  sendRawTransaction,
  waitForTransactionReceipt,
} from 'viem/actions';
import { OpenchainError } from '../core/errors.ts';
import {
  ATTRIBUTION_ADDRESS,
  attributionAbi,
  GOV_ADDRESS,
  govAbi,
  STAKING_ADDRESS,
  stakingAbi,
} from './modules.ts';

export interface ModuleCall {
  readonly to: Address;
  readonly data: Hex;
  readonly value?: bigint;
  /** Send with this gas limit instead of estimating (a call that will fail is then mined and fails). */
  readonly gas?: bigint;
}

/** A module event: the module's address, the event's name and its arguments as the ABI names them. */
export interface ModuleEvent {
  readonly address: Address;
  readonly eventName: string;
  readonly args: Record<string, unknown>;
}

export interface ModuleReceipt extends TransactionReceipt {
  /** On failure, openchain's stable error code and the module's reason ("CODE: message"). */
  readonly errorCode?: string;
  readonly failureReason?: string;
  readonly events: ModuleEvent[];
}

const MODULES = [
  { address: ATTRIBUTION_ADDRESS, abi: attributionAbi },
  { address: STAKING_ADDRESS, abi: stakingAbi },
  { address: GOV_ADDRESS, abi: govAbi },
] as const;

/** Which call of a batch failed, and at which step: the node refused its estimate or the transaction. */
export class ModuleCallError extends OpenchainError<'ESTIMATE_FAILED' | 'SEND_REFUSED'> {
  readonly index: number;
  constructor(code: 'ESTIMATE_FAILED' | 'SEND_REFUSED', index: number, cause: unknown) {
    super(code, `call ${index}: ${(cause as { shortMessage?: string }).shortMessage ?? String(cause)}`, {
      cause,
    });
    this.index = index;
  }
}

/** The modules' events among `logs`, in log order; other logs are left out. */
export function moduleEvents(logs: readonly Log[]): ModuleEvent[] {
  const out: (ModuleEvent & { logIndex: number })[] = [];
  for (const { address, abi } of MODULES) {
    const own = logs.filter((l) => l.address.toLowerCase() === address);
    for (const e of parseEventLogs({ abi, logs: own as Log[] }))
      out.push({
        address,
        eventName: e.eventName,
        args: e.args as Record<string, unknown>,
        logIndex: e.logIndex,
      });
  }
  return out.sort((a, b) => a.logIndex - b.logIndex).map(({ logIndex: _, ...e }) => e);
}

/**
 * Sends `calls` from `account` in order and waits for every receipt (bounded by `timeoutMs`: viem's
 * WaitForTransactionReceiptTimeoutError). Each call is estimated just before it is signed; one whose
 * estimate or transaction the node refuses throws ModuleCallError (its index and viem's error as
 * the cause), with the calls before it already sent.
 */
export async function sendModuleCalls(
  client: Client,
  account: LocalAccount,
  calls: readonly ModuleCall[],
  opts: { timeoutMs: number; pollingIntervalMs?: number },
): Promise<ModuleReceipt[]> {
  const [chainId, nonce, gasPrice, tip] = await Promise.all([
    getChainId(client),
    getTransactionCount(client, { address: account.address, blockTag: 'pending' }),
    getGasPrice(client),
    client.request({ method: 'eth_maxPriorityFeePerGas' }).then(BigInt),
  ]);
  // Twice the price of the next block leaves room for several blocks of base-fee increases; only
  // what the block charges is paid.
  const maxFeePerGas = 2n * gasPrice + tip;
  const hashes: Hex[] = [];
  for (const [i, call] of calls.entries()) {
    const value = call.value ?? 0n;
    let gas = call.gas;
    if (gas === undefined) {
      let estimate: bigint;
      try {
        estimate = await estimateGas(client, {
          account: account.address,
          to: call.to,
          data: call.data,
          value,
        });
      } catch (err) {
        throw new ModuleCallError('ESTIMATE_FAILED', i, err);
      }
      // A margin for state that changes before inclusion; unused gas is refunded.
      gas = (estimate * 6n) / 5n + 10_000n;
    }
    const raw = await account.signTransaction({
      type: 'eip1559',
      chainId,
      nonce: nonce + i,
      maxFeePerGas,
      maxPriorityFeePerGas: tip,
      gas,
      to: call.to,
      value,
      data: call.data,
    });
    try {
      hashes.push(await sendRawTransaction(client, { serializedTransaction: raw }));
    } catch (err) {
      throw new ModuleCallError('SEND_REFUSED', i, err);
    }
  }
  return Promise.all(
    hashes.map(async (hash) => {
      const receipt = await waitForTransactionReceipt(client, {
        hash,
        timeout: opts.timeoutMs,
        pollingInterval: opts.pollingIntervalMs ?? 250,
      });
      return { ...receipt, events: moduleEvents(receipt.logs) } as ModuleReceipt;
    }),
  );
}

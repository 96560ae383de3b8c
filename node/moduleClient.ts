// What every command that talks to a native module shares (`openchain datanet …`, `stake …`): a
// JSON-RPC client (fetch, no client library), the signing account, views through eth_call,
// EIP-1559 transactions signed locally with core/tx.ts and their receipts with the module's events
// decoded, JSON output, and the common options (--rpc, --private-key, --timeout). A failed
// transaction prints its receipt's errorCode and failureReason ("CODE: message") and exits 1.
import { type Command, InvalidArgumentError } from 'commander';
import { type Abi, AbiEvent, AbiFunction } from 'ox';
import { type Address, addressFromPrivateKey, parseAddress } from '../core/address.ts';
import { bigintToHex, bytesToHex, type Hex, hexToBytes, isHex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { signTx } from '../core/tx.ts';
import { parseAmount } from './amount.ts';

export const DEFAULT_RPC = 'http://127.0.0.1:8545';
const KEY_ENV = 'OPENCHAIN_PRIVATE_KEY';

/** A native module as a client sees it: where it lives and its ABI. */
export interface ModuleTarget {
  readonly address: Address;
  readonly abi: Abi.Abi;
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC

interface RpcReceipt {
  readonly transactionHash: Hex;
  readonly blockNumber: Hex;
  readonly gasUsed: Hex;
  readonly effectiveGasPrice: Hex;
  readonly status: Hex;
  readonly failureReason?: string;
  readonly errorCode?: string;
  readonly logs: readonly { address: string; topics: Hex[]; data: Hex }[];
}

export class Rpc {
  readonly url: string;
  #id = 0;

  constructor(url: string) {
    try {
      new URL(url);
    } catch {
      throw new OpenchainError('USAGE', `--rpc: not a URL: ${JSON.stringify(url)}`);
    }
    this.url = url;
  }

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++this.#id, method, params }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new OpenchainError(
        'RPC_UNREACHABLE',
        `cannot reach the node's JSON-RPC at ${this.url} (${cause?.code ?? cause?.message ?? (err as Error).message}); is a node running there? (--rpc URL)`,
      );
    }
    let body: { result?: T; error?: { code: number; message: string } };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new OpenchainError(
        'RPC_ERROR',
        `${this.url} answered ${method} with HTTP ${res.status}, not JSON-RPC`,
      );
    }
    if (body.error) throw new RpcCallError(method, body.error.code, body.error.message);
    return body.result as T;
  }
}

export class RpcCallError extends OpenchainError<'RPC_ERROR'> {
  readonly rpcCode: number;
  readonly rpcMessage: string;

  constructor(method: string, code: number, message: string) {
    super('RPC_ERROR', `${method}: ${message}`);
    this.rpcCode = code;
    this.rpcMessage = message;
  }
}

// ---------------------------------------------------------------------------------------------
// The module: views through eth_call, transactions, events

/** Calldata of one of the module's functions. */
export function calldata(module: ModuleTarget, name: string, args: readonly unknown[] = []): Hex {
  return AbiFunction.encodeData(AbiFunction.fromAbi(module.abi, name), args as never);
}

/** Calls a view of the module; a revert becomes an error naming the module's reason. */
export async function moduleView<T = unknown>(
  rpc: Rpc,
  module: ModuleTarget,
  name: string,
  args: readonly unknown[] = [],
): Promise<T> {
  const f = AbiFunction.fromAbi(module.abi, name);
  let result: Hex;
  try {
    result = await rpc.call<Hex>('eth_call', [
      { to: module.address, data: AbiFunction.encodeData(f, args as never) },
      'latest',
    ]);
  } catch (err) {
    if (err instanceof RpcCallError) throw new OpenchainError('REVERTED', revertReason(err.rpcMessage));
    throw err;
  }
  return lowercaseAddresses(AbiFunction.decodeResult(f, result)) as T;
}

/**
 * The ABI decoder checksums addresses (EIP-55); the chain's JSON (RPC, genesis, CLI output) writes
 * them lowercase, so decoded values follow suit and a user sees one spelling per address.
 */
function lowercaseAddresses(value: unknown): unknown {
  if (typeof value === 'string') return /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(lowercaseAddresses);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, lowercaseAddresses(v)]));
  return value;
}

function revertReason(message: string): string {
  return message.replace(/^execution reverted: /, '');
}

export interface DecodedEvent {
  readonly event: string;
  readonly args: Record<string, unknown>;
}

const eventTables = new WeakMap<Abi.Abi, Map<Hex, AbiEvent.AbiEvent>>();

function eventsByTopic(abi: Abi.Abi): Map<Hex, AbiEvent.AbiEvent> {
  let table = eventTables.get(abi);
  if (!table) {
    const events = abi.filter((item): item is AbiEvent.AbiEvent => item.type === 'event');
    table = new Map(events.map((e) => [AbiEvent.getSelector(e), e]));
    eventTables.set(abi, table);
  }
  return table;
}

/** The module's events in a receipt, decoded with the ABI. */
export function moduleEvents(module: ModuleTarget, receipt: RpcReceipt): DecodedEvent[] {
  const out: DecodedEvent[] = [];
  const table = eventsByTopic(module.abi);
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== module.address) continue;
    const event = table.get(log.topics[0]!);
    if (!event) continue;
    const args = lowercaseAddresses(AbiEvent.decode(event, { topics: log.topics, data: log.data })) as Record<
      string,
      unknown
    >;
    out.push({ event: event.name, args });
  }
  return out;
}

export interface Signer {
  readonly privateKey: Uint8Array;
  readonly address: Address;
}

export function signerFrom(privateKey: string | undefined): Signer {
  const hex = privateKey ?? process.env[KEY_ENV];
  if (!hex)
    throw new OpenchainError(
      'USAGE',
      `a signing key is needed: --private-key HEX or the ${KEY_ENV} environment variable`,
    );
  const normalized = hex.startsWith('0x') ? hex : `0x${hex}`;
  if (!isHex(normalized) || normalized.length !== 66)
    throw new OpenchainError('USAGE', 'the private key must be 32 bytes of hex (64 hex digits)');
  const key = hexToBytes(normalized);
  try {
    return { privateKey: key, address: addressFromPrivateKey(key) };
  } catch {
    throw new OpenchainError('USAGE', 'the private key is not a valid secp256k1 key');
  }
}

export interface SentTx {
  readonly txHash: Hex;
  readonly blockNumber: number;
  readonly gasUsed: string;
  readonly status: 'success' | 'failed';
  readonly errorCode?: string;
  readonly failureReason?: string;
  readonly events: DecodedEvent[];
}

export interface TxRequest {
  readonly data: Hex;
  readonly value?: bigint;
  /** Skip eth_estimateGas and send with this limit (a call that will fail is then mined and fails). */
  readonly gasLimit?: bigint;
  /** Used in messages. */
  readonly what: string;
}

/**
 * Signs and sends transactions to the module from one account, in order (consecutive nonces from
 * the pending nonce), then waits for every receipt.
 */
export async function sendAll(
  rpc: Rpc,
  signer: Signer,
  module: ModuleTarget,
  requests: readonly TxRequest[],
  timeoutMs: number,
): Promise<SentTx[]> {
  const [chainId, nonce, gasPrice, tip] = await Promise.all([
    rpc.call<Hex>('eth_chainId'),
    rpc.call<Hex>('eth_getTransactionCount', [signer.address, 'pending']),
    rpc.call<Hex>('eth_gasPrice'),
    rpc.call<Hex>('eth_maxPriorityFeePerGas'),
  ]);
  const maxPriorityFeePerGas = BigInt(tip);
  // Twice the price of the next block leaves room for several blocks of base-fee increases; only
  // what the block charges is paid.
  const maxFeePerGas = 2n * BigInt(gasPrice) + maxPriorityFeePerGas;
  const hashes: Hex[] = [];
  let next = BigInt(nonce);
  for (const req of requests) {
    const value = req.value ?? 0n;
    let gasLimit = req.gasLimit;
    if (gasLimit === undefined) {
      let estimate: Hex;
      try {
        estimate = await rpc.call<Hex>('eth_estimateGas', [
          { from: signer.address, to: module.address, data: req.data, value: bigintToHex(value) },
        ]);
      } catch (err) {
        if (err instanceof RpcCallError)
          throw new OpenchainError('REVERTED', `${req.what} would fail: ${revertReason(err.rpcMessage)}`);
        throw err;
      }
      // A margin for state that changes before inclusion; unused gas is refunded.
      gasLimit = (BigInt(estimate) * 6n) / 5n + 10_000n;
    }
    const tx = signTx(
      {
        type: 2,
        chainId: BigInt(chainId),
        nonce: next++,
        maxFeePerGas,
        maxPriorityFeePerGas,
        gasLimit,
        to: module.address,
        value,
        data: hexToBytes(req.data),
        accessList: [],
      },
      signer.privateKey,
    );
    try {
      hashes.push(await rpc.call<Hex>('eth_sendRawTransaction', [bytesToHex(tx.raw)]));
    } catch (err) {
      if (err instanceof RpcCallError)
        throw new OpenchainError(
          'REJECTED',
          `${req.what}: the node refused the transaction: ${err.rpcMessage}`,
        );
      throw err;
    }
  }
  return Promise.all(hashes.map((hash) => waitForReceipt(rpc, module, hash, timeoutMs)));
}

async function waitForReceipt(rpc: Rpc, module: ModuleTarget, hash: Hex, timeoutMs: number): Promise<SentTx> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await rpc.call<RpcReceipt | null>('eth_getTransactionReceipt', [hash]);
    if (receipt) {
      const ok = receipt.status === '0x1';
      return {
        txHash: receipt.transactionHash,
        blockNumber: Number(receipt.blockNumber),
        gasUsed: BigInt(receipt.gasUsed).toString(),
        status: ok ? 'success' : 'failed',
        ...(ok
          ? {}
          : {
              errorCode: receipt.errorCode ?? 'UNKNOWN',
              failureReason: receipt.failureReason ?? 'unknown',
            }),
        events: moduleEvents(module, receipt),
      };
    }
    if (Date.now() > deadline)
      throw new OpenchainError(
        'TIMEOUT',
        `transaction ${hash} was sent but not included within ${timeoutMs / 1000} s; it may still be (eth_getTransactionReceipt)`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---------------------------------------------------------------------------------------------
// Output

/** JSON with bigints as decimal strings. */
/** Signs and sends one call to `module` with the options' key and node, and waits for its receipt. */
export async function sendOne(
  opts: SignerOptions,
  module: ModuleTarget,
  request: TxRequest,
): Promise<{ sent: SentTx; from: Address }> {
  const rpc = new Rpc(opts.rpc);
  const signer = signerFrom(opts.privateKey);
  const [sent] = await sendAll(rpc, signer, module, [request], opts.timeout * 1000);
  return { sent: sent!, from: signer.address };
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

export function print(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** Prints the result; throws (exit 1) if any transaction failed, naming the first reason. */
export function finish(result: unknown, sent: readonly SentTx[]): void {
  print(result);
  const failed = sent.find((s) => s.status === 'failed');
  if (failed)
    throw new OpenchainError('TX_FAILED', `transaction ${failed.txHash} failed: ${failed.failureReason}`);
}

export function txSummary(s: SentTx) {
  return {
    txHash: s.txHash,
    blockNumber: s.blockNumber,
    gasUsed: s.gasUsed,
    status: s.status,
    ...(s.status === 'failed' ? { errorCode: s.errorCode, failureReason: s.failureReason } : {}),
  };
}

export function eventArg(s: SentTx, event: string, arg: string): unknown {
  return s.events.find((e) => e.event === event)?.args[arg];
}

// ---------------------------------------------------------------------------------------------
// Options

/** An amount option: wei, or e.g. 1.5OPEN. */
export function amountArg(value: string): bigint {
  try {
    return parseAmount(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** A basis-points option of `what`: an integer from 0 to 10000. */
export function bps(what: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) > 10_000)
      throw new InvalidArgumentError(`${what} is in basis points: an integer from 0 to 10000`);
    return Number(value);
  };
}

export function addressArg(value: string): Address {
  try {
    return parseAddress(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** The options of a command that sends transactions. */
export interface SignerOptions {
  rpc: string;
  privateKey?: string;
  timeout: number;
}

/** --rpc, for every command that talks to a node. */
export function withRpc(cmd: Command): Command {
  return cmd.option('--rpc <url>', 'JSON-RPC URL of a node', DEFAULT_RPC);
}

/** --rpc, --private-key and --timeout, for commands that send transactions. */
export function withSigner(cmd: Command): Command {
  return withRpc(cmd)
    .option('--private-key <hex>', `signing key (default: the ${KEY_ENV} environment variable)`)
    .option(
      '--timeout <seconds>',
      'how long to wait for receipts',
      (v) => {
        const n = Number(v);
        if (!(n > 0)) throw new InvalidArgumentError('expected a positive number of seconds');
        return n;
      },
      60,
    );
}

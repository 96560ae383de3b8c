// What every command that talks to a node shares (`openchain datanet …`, `stake …`, `earnings`): the
// typed client (client/: a viem public client with the open_ actions), the signing account, module
// views, transactions to the modules (client/send.ts) with their events decoded, JSON output, and
// the common options (--rpc, --private-key, --timeout). Errors become the CLI's: an unreachable node,
// a view or an estimate the module refuses ("CODE: message"), a transaction the node refuses; a
// failed transaction prints its receipt's errorCode and failureReason and exits 1.
import { type Command, InvalidArgumentError } from 'commander';
import type { Abi } from 'ox';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  encodeFunctionData,
  HttpRequestError,
  http,
  RpcRequestError,
  WaitForTransactionReceiptTimeoutError,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { readContract } from 'viem/actions';
import { openActions } from '../client/open.ts';
import { ModuleCallError, type ModuleReceipt, sendModuleCalls } from '../client/send.ts';
import { type Address, parseAddress } from '../core/address.ts';
import { type Hex, hexToBytes, isHex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { parseAmount } from './amount.ts';

export const DEFAULT_RPC = 'http://127.0.0.1:8545';
const KEY_ENV = 'OPENCHAIN_PRIVATE_KEY';

// ---------------------------------------------------------------------------------------------
// The node

/** A node as the commands see it: viem's public actions and the open_ actions (client/open.ts). */
export function connect(url: string) {
  try {
    new URL(url);
  } catch {
    throw new OpenchainError('USAGE', `--rpc: not a URL: ${JSON.stringify(url)}`);
  }
  return createPublicClient({ transport: http(url, { retryCount: 0, timeout: 30_000 }) }).extend(openActions);
}

export type Node = ReturnType<typeof connect>;

/**
 * What a failed request means for a user: the node cannot be reached, or answered something that
 * is not JSON-RPC, or refused (`refused(reason)` makes that error, from the module's "CODE: message").
 */
function explain(node: Node, err: unknown, refused: (reason: string) => OpenchainError): Error {
  if (!(err instanceof BaseError)) return err as Error;
  const http = err.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null;
  if (http && http.status === undefined) {
    const cause = (http.cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    return new OpenchainError(
      'RPC_UNREACHABLE',
      `cannot reach the node's JSON-RPC at ${node.transport.url} (${cause?.code ?? cause?.message ?? http.details}); is a node running there? (--rpc URL)`,
    );
  }
  if (http)
    return new OpenchainError(
      'RPC_ERROR',
      `${node.transport.url} answered with HTTP ${http.status}, not JSON-RPC`,
    );
  const reverted = err.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null;
  if (reverted?.reason) return refused(reverted.reason);
  const rpc = err.walk((e) => e instanceof RpcRequestError) as RpcRequestError | null;
  if (rpc) return refused(rpc.details.replace(/^execution reverted: /, ''));
  return err;
}

/** A JSON-RPC request the commands make, with the CLI's errors. */
export async function request<T>(node: Node, run: (node: Node) => Promise<T>): Promise<T> {
  try {
    return await run(node);
  } catch (err) {
    throw explain(node, err, (reason) => new OpenchainError('RPC_ERROR', reason));
  }
}

/** A native module as a client sees it: where it lives and its ABI. */
export interface ModuleTarget {
  readonly address: Address;
  readonly abi: Abi.Abi;
}

/** Calldata of one of the module's functions. */
export function calldata(module: ModuleTarget, name: string, args: readonly unknown[] = []): Hex {
  return encodeFunctionData({ abi: module.abi, functionName: name, args } as never);
}

/** Calls a view of the module; a revert becomes an error naming the module's reason. */
export async function moduleView<T = unknown>(
  node: Node,
  module: ModuleTarget,
  name: string,
  args: readonly unknown[] = [],
): Promise<T> {
  try {
    const result = await readContract(node, {
      address: module.address,
      abi: module.abi,
      functionName: name,
      args,
    } as never);
    return lowercaseAddresses(result) as T;
  } catch (err) {
    throw explain(node, err, (reason) => new OpenchainError('REVERTED', reason));
  }
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

export interface DecodedEvent {
  readonly event: string;
  readonly args: Record<string, unknown>;
}

export interface Signer {
  readonly privateKey: Uint8Array;
  readonly address: Address;
  readonly account: PrivateKeyAccount;
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
  let account: PrivateKeyAccount;
  try {
    account = privateKeyToAccount(normalized);
  } catch {
    throw new OpenchainError('USAGE', 'the private key is not a valid secp256k1 key');
  }
  return { privateKey: hexToBytes(normalized), address: parseAddress(account.address), account };
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
  node: Node,
  signer: Signer,
  module: ModuleTarget,
  requests: readonly TxRequest[],
  timeoutMs: number,
): Promise<SentTx[]> {
  let receipts: ModuleReceipt[];
  try {
    receipts = await sendModuleCalls(
      node,
      signer.account,
      requests.map((r) => ({ to: module.address, data: r.data, value: r.value, gas: r.gasLimit })),
      { timeoutMs },
    );
  } catch (err) {
    if (err instanceof WaitForTransactionReceiptTimeoutError) {
      const hash = /0x[0-9a-f]{64}/i.exec(err.message)?.[0] ?? 'a transaction';
      throw new OpenchainError(
        'TIMEOUT',
        `transaction ${hash} was sent but not included within ${timeoutMs / 1000} s; it may still be (eth_getTransactionReceipt)`,
      );
    }
    if (!(err instanceof ModuleCallError))
      throw explain(node, err, (reason) => new OpenchainError('RPC_ERROR', reason));
    const what = requests[err.index]!.what;
    throw explain(node, err.cause, (reason) =>
      err.code === 'ESTIMATE_FAILED'
        ? new OpenchainError('REVERTED', `${what} would fail: ${reason}`)
        : new OpenchainError('REJECTED', `${what}: the node refused the transaction: ${reason}`),
    );
  }
  return receipts.map((r) => {
    const ok = r.status === 'success';
    return {
      txHash: r.transactionHash,
      blockNumber: Number(r.blockNumber),
      gasUsed: r.gasUsed.toString(),
      status: ok ? 'success' : 'failed',
      ...(ok ? {} : { errorCode: r.errorCode ?? 'UNKNOWN', failureReason: r.failureReason ?? 'unknown' }),
      events: r.events
        .filter((e) => e.address === module.address)
        .map((e) => ({
          event: e.eventName,
          args: lowercaseAddresses(e.args) as Record<string, unknown>,
        })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Output

/** Signs and sends one call to `module` with the options' key and node, and waits for its receipt. */
export async function sendOne(
  opts: SignerOptions,
  module: ModuleTarget,
  request: TxRequest,
): Promise<{ sent: SentTx; from: Address }> {
  const signer = signerFrom(opts.privateKey);
  const [sent] = await sendAll(connect(opts.rpc), signer, module, [request], opts.timeout * 1000);
  return { sent: sent!, from: signer.address };
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

export function print(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** One JSON value on one line (JSON Lines), for commands that stream results. */
export function printLine(value: unknown): void {
  process.stdout.write(`${toJson(value, 0)}\n`);
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

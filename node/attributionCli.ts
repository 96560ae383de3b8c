// Proof of Attribution from the command line: `openchain datanet …`, `contribute`, `model …`,
// `attribute` and `earnings`. Each command talks to a node over JSON-RPC (fetch, no client
// library), signs EIP-1559 transactions locally with core/tx.ts, waits for the receipt and prints
// JSON: the ids the module's events carry, the transaction hash and the gas used. A failed
// transaction prints its receipt's failureReason and exits 1. docs/attribution.md, "Command line".
import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { AbiEvent, AbiFunction } from 'ox';
import { type Address, addressFromPrivateKey, parseAddress } from '../core/address.ts';
import { bigintToHex, bytesToHex, type Hex, hexToBytes, isHex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { signTx } from '../core/tx.ts';
import {
  attribute,
  buildIndex,
  type ContributionFile,
  chunkFile,
  contributionCalldata,
  inferenceCalldata,
} from '../prover/index.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { parseAmount } from './amount.ts';

export const DEFAULT_RPC = 'http://127.0.0.1:8545';
const KEY_ENV = 'OPENCHAIN_PRIVATE_KEY';
const ROLE_NAMES = ['modelOwner', 'baseModelOwner', 'contributor', 'validator', 'treasury'] as const;
const STATUS_NAMES = ['pending', 'accepted', 'rejected', 'flagged'] as const;

// ---------------------------------------------------------------------------------------------
// JSON-RPC

interface RpcReceipt {
  readonly transactionHash: Hex;
  readonly blockNumber: Hex;
  readonly gasUsed: Hex;
  readonly effectiveGasPrice: Hex;
  readonly status: Hex;
  readonly failureReason?: string;
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

type FnName = AbiFunction.Name<typeof attributionAbi>;

function fn(name: FnName): AbiFunction.AbiFunction {
  return AbiFunction.fromAbi(attributionAbi, name);
}

/** Calls a view of the module; a revert becomes an error naming the module's reason. */
export async function view<T = unknown>(rpc: Rpc, name: FnName, args: readonly unknown[] = []): Promise<T> {
  const f = fn(name);
  let result: Hex;
  try {
    result = await rpc.call<Hex>('eth_call', [
      { to: ATTRIBUTION_ADDRESS, data: AbiFunction.encodeData(f, args as never) },
      'latest',
    ]);
  } catch (err) {
    if (err instanceof RpcCallError) throw new OpenchainError('REVERTED', revertReason(err.rpcMessage));
    throw err;
  }
  return AbiFunction.decodeResult(f, result) as T;
}

function revertReason(message: string): string {
  return message.replace(/^execution reverted: /, '');
}

const events = attributionAbi.filter((item) => item.type === 'event');
const eventsByTopic = new Map(events.map((e) => [AbiEvent.getSelector(e), e]));

export interface DecodedEvent {
  readonly event: string;
  readonly args: Record<string, unknown>;
}

/** The module's events in a receipt, decoded with the ABI. */
export function moduleEvents(receipt: RpcReceipt): DecodedEvent[] {
  const out: DecodedEvent[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== ATTRIBUTION_ADDRESS) continue;
    const event = eventsByTopic.get(log.topics[0]!);
    if (!event) continue;
    const args = AbiEvent.decode(event, { topics: log.topics, data: log.data }) as Record<string, unknown>;
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
          { from: signer.address, to: ATTRIBUTION_ADDRESS, data: req.data, value: bigintToHex(value) },
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
        to: ATTRIBUTION_ADDRESS,
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
  return Promise.all(hashes.map((hash) => waitForReceipt(rpc, hash, timeoutMs)));
}

async function waitForReceipt(rpc: Rpc, hash: Hex, timeoutMs: number): Promise<SentTx> {
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
        ...(ok ? {} : { failureReason: receipt.failureReason ?? 'unknown' }),
        events: moduleEvents(receipt),
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
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

function print(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** Prints the result; throws (exit 1) if any transaction failed, naming the first reason. */
function finish(result: unknown, sent: readonly SentTx[]): void {
  print(result);
  const failed = sent.find((s) => s.status === 'failed');
  if (failed)
    throw new OpenchainError('TX_FAILED', `transaction ${failed.txHash} failed: ${failed.failureReason}`);
}

function txSummary(s: SentTx) {
  return {
    txHash: s.txHash,
    blockNumber: s.blockNumber,
    gasUsed: s.gasUsed,
    status: s.status,
    ...(s.failureReason !== undefined ? { failureReason: s.failureReason } : {}),
  };
}

function eventArg(s: SentTx, event: string, arg: string): unknown {
  return s.events.find((e) => e.event === event)?.args[arg];
}

// ---------------------------------------------------------------------------------------------
// Argument parsing

function id(what: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || BigInt(value) < 1n || BigInt(value) >= 2n ** 64n)
      throw new InvalidArgumentError(`${what} must be a positive integer id`);
    return BigInt(value);
  };
}

function ids(what: string) {
  return (value: string) => value.split(',').map((v) => id(what)(v.trim()));
}

function amount(value: string): bigint {
  try {
    return parseAmount(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function split(value: string) {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p) || Number(p) > 10_000))
    throw new InvalidArgumentError(
      'expected four basis-point shares OWNER,CONTRIBUTORS,VALIDATORS,TREASURY summing to 10000, e.g. 5000,3000,1000,1000',
    );
  const [ownerBps, contributorsBps, validatorsBps, treasuryBps] = parts.map(BigInt) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  if (ownerBps + contributorsBps + validatorsBps + treasuryBps !== 10_000n)
    throw new InvalidArgumentError(
      `the shares sum to ${ownerBps + contributorsBps + validatorsBps + treasuryBps}, not 10000`,
    );
  return { ownerBps, contributorsBps, validatorsBps, treasuryBps };
}

function address(value: string): Address {
  try {
    return parseAddress(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

interface Common {
  rpc: string;
  privateKey?: string;
  timeout: number;
}

/** --rpc, and for commands that send transactions, --private-key and --timeout. */
function withRpc(cmd: Command): Command {
  return cmd.option('--rpc <url>', 'JSON-RPC URL of a node', DEFAULT_RPC);
}

function withSigner(cmd: Command): Command {
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

function readFile(path: string): Uint8Array {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new OpenchainError('USAGE', `no such file: ${path}`);
  }
  if (!stat.isFile()) throw new OpenchainError('USAGE', `not a regular file: ${path}`);
  return new Uint8Array(readFileSync(path));
}

/** Every regular file under `dir`, sorted, skipping dot-files and dot-directories. */
function filesUnder(dir: string): string[] {
  let entries: Dirent[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    throw new OpenchainError('USAGE', `--data: not a directory: ${dir}`);
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(path));
    else if (e.isFile()) out.push(path);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reads shared by the commands

interface Params {
  chunkSize: number;
  minSpanLength: number;
  maxOutputBytes: number;
  maxSpansPerRecord: number;
}

async function params(rpc: Rpc): Promise<Params> {
  return view<Params>(rpc, 'params');
}

interface DatanetView {
  id: bigint;
  owner: Address;
  policy: number;
  bond: bigint;
  name: string;
  earned: bigint;
}

async function datanet(rpc: Rpc, datanetId: bigint): Promise<DatanetView> {
  return view<DatanetView>(rpc, 'getDatanet', [datanetId]);
}

interface ModelView {
  id: bigint;
  datanetIds: readonly bigint[];
  baseModelId: bigint;
}

interface ContributionView {
  id: bigint;
  datanetId: bigint;
  contributor: Address;
  chunkSize: number;
  status: number;
}

// ---------------------------------------------------------------------------------------------
// Commands

export function registerAttributionCommands(program: Command): void {
  const datanetCmd = program.command('datanet').description('create and curate Datanets');

  withSigner(
    datanetCmd
      .command('create')
      .description('create a Datanet owned by the signing account; prints its id')
      .requiredOption('--name <name>', 'Datanet name')
      .option('--metadata-uri <uri>', 'description or metadata URI', '')
      .option('--license <license>', 'license of the contributed data, e.g. CC-BY-4.0', '')
      .addOption(
        new Option('--policy <policy>', 'open: contributions accepted at once; curated: the owner approves')
          .choices(['open', 'curated'])
          .default('open'),
      )
      .addOption(
        new Option('--bond <amount>', 'bond each contribution must post, in wei or e.g. 1OPEN')
          .argParser(amount)
          .default(0n, '0'),
      ),
  ).action(
    async (
      opts: Common & { name: string; metadataUri: string; license: string; policy: string; bond: bigint },
    ) => {
      const rpc = new Rpc(opts.rpc);
      const signer = signerFrom(opts.privateKey);
      const data = AbiFunction.encodeData(fn('createDatanet'), [
        opts.name,
        opts.metadataUri,
        opts.license,
        opts.policy === 'curated' ? 1 : 0,
        opts.bond,
      ]);
      const [sent] = await sendAll(rpc, signer, [{ data, what: 'createDatanet' }], opts.timeout * 1000);
      finish(
        {
          datanetId: eventArg(sent!, 'DatanetCreated', 'datanetId'),
          owner: signer.address,
          policy: opts.policy,
          bond: opts.bond,
          ...txSummary(sent!),
        },
        [sent!],
      );
    },
  );

  for (const [name, approve] of [
    ['approve', true],
    ['reject', false],
  ] as const) {
    withSigner(
      datanetCmd
        .command(`${name} <contributionIds...>`)
        .description(`${name} pending contributions of a curated Datanet you own`),
    ).action(async (raw: string[], opts: Common) => {
      const rpc = new Rpc(opts.rpc);
      const signer = signerFrom(opts.privateKey);
      const list = raw.flatMap((v) => ids('contribution id')(v));
      const requests = list.map((cid) => ({
        data: AbiFunction.encodeData(fn(approve ? 'approveContribution' : 'rejectContribution'), [cid]),
        what: `${name} contribution ${cid}`,
      }));
      const sent = await sendAll(rpc, signer, requests, opts.timeout * 1000);
      finish(
        sent.map((s, i) => ({ contributionId: list[i], ...txSummary(s) })),
        sent,
      );
    });
  }

  withRpc(datanetCmd.command('show <datanetId>').description('print a Datanet and its earnings')).action(
    async (raw: string, opts: { rpc: string }) => {
      print(await datanet(new Rpc(opts.rpc), id('datanet id')(raw)));
    },
  );

  withSigner(
    program
      .command('contribute <files...>')
      .description(
        'register files as contributions to a Datanet: each is split into chunks, its chunk root computed locally and registered (with the bond the Datanet asks)',
      )
      .requiredOption('--datanet <id>', 'Datanet to contribute to', id('datanet id'))
      .option(
        '--uri-prefix <prefix>',
        "each contribution's URI is this prefix followed by the file name",
        '',
      ),
  ).action(async (files: string[], opts: Common & { datanet: bigint; uriPrefix: string }) => {
    const rpc = new Rpc(opts.rpc);
    const signer = signerFrom(opts.privateKey);
    // Everything is checked before anything is sent, so a bad file sends nothing.
    const contents = files.map((path) => readFile(path));
    const [p, d] = await Promise.all([params(rpc), datanet(rpc, opts.datanet)]);
    const seen = new Map<string, string>();
    const prepared = await Promise.all(
      files.map(async (path, i) => {
        const content = contents[i]!;
        if (content.length === 0)
          throw new OpenchainError('USAGE', `${path} is empty: empty content cannot be registered`);
        const uri = `${opts.uriPrefix}${basename(path)}`;
        const { data, file } = contributionCalldata({
          datanetId: opts.datanet,
          content,
          chunkSize: p.chunkSize,
          uri,
        });
        const existing = await view<bigint>(rpc, 'contributionByRoot', [file.chunkRoot]);
        if (existing !== 0n)
          throw new OpenchainError(
            'DUPLICATE_CONTENT',
            `${path} is already registered as contribution ${existing} (the same content is accepted once, from its first submitter)`,
          );
        const twin = seen.get(file.chunkRoot);
        if (twin) throw new OpenchainError('DUPLICATE_CONTENT', `${path} has the same content as ${twin}`);
        seen.set(file.chunkRoot, path);
        return { path, uri, data, file };
      }),
    );
    const sent = await sendAll(
      rpc,
      signer,
      prepared.map((f) => ({ data: f.data, value: d.bond, what: `contribution of ${f.path}` })),
      opts.timeout * 1000,
    );
    finish(
      {
        datanetId: opts.datanet,
        contributor: signer.address,
        bond: d.bond,
        contributions: prepared.map((f, i) => {
          const status = eventArg(sent[i]!, 'ContributionAdded', 'status');
          return {
            file: f.path,
            contributionId: eventArg(sent[i]!, 'ContributionAdded', 'contributionId'),
            chunkRoot: f.file.chunkRoot,
            size: f.file.size,
            chunks: f.file.chunkCount,
            uri: f.uri,
            ...(status !== undefined ? { contributionStatus: STATUS_NAMES[Number(status)] } : {}),
            ...txSummary(sent[i]!),
          };
        }),
      },
      sent,
    );
  });

  const modelCmd = program.command('model').description('register and inspect models');
  withSigner(
    modelCmd
      .command('register')
      .description('register a model (or, with --base-model, a LoRA adapter); prints its id')
      .requiredOption('--name <name>', 'model name')
      .requiredOption('--datanets <ids>', 'Datanets it was trained on, comma-separated', ids('datanet id'))
      .option('--metadata-uri <uri>', 'description or metadata URI', '')
      .option('--base-model <id>', 'base model of a LoRA adapter', id('model id'))
      .addOption(
        new Option('--fee-per-inference <amount>', 'fee per inference, in wei or e.g. 0.01OPEN')
          .argParser(amount)
          .default(0n, '0'),
      )
      .addOption(
        new Option('--fee-per-kb <amount>', 'fee per 1,000 output bytes, in wei or e.g. 0.001OPEN')
          .argParser(amount)
          .default(0n, '0'),
      )
      .addOption(
        new Option('--split <bps>', 'fee split in basis points: OWNER,CONTRIBUTORS,VALIDATORS,TREASURY')
          .argParser(split)
          .default(split('5000,3000,1000,1000'), '5000,3000,1000,1000'),
      ),
  ).action(
    async (
      opts: Common & {
        name: string;
        datanets: bigint[];
        metadataUri: string;
        baseModel?: bigint;
        feePerInference: bigint;
        feePerKb: bigint;
        split: ReturnType<typeof split>;
      },
    ) => {
      const rpc = new Rpc(opts.rpc);
      const signer = signerFrom(opts.privateKey);
      const data = AbiFunction.encodeData(fn('registerModel'), [
        opts.name,
        opts.metadataUri,
        opts.datanets,
        opts.baseModel ?? 0n,
        opts.feePerInference,
        opts.feePerKb,
        opts.split,
      ]);
      const [sent] = await sendAll(rpc, signer, [{ data, what: 'registerModel' }], opts.timeout * 1000);
      finish(
        {
          modelId: eventArg(sent!, 'ModelRegistered', 'modelId'),
          owner: signer.address,
          baseModelId: opts.baseModel ?? 0n,
          datanetIds: opts.datanets,
          ...txSummary(sent!),
        },
        [sent!],
      );
    },
  );

  withRpc(modelCmd.command('show <modelId>').description('print a model and its statistics')).action(
    async (raw: string, opts: { rpc: string }) => {
      print(await view(new Rpc(opts.rpc), 'getModel', [id('model id')(raw)]));
    },
  );

  withSigner(
    program
      .command('attribute')
      .description(
        "run the prover on an inference output against the contribution files in --data and submit the inference record, paying the model's fee",
      )
      .requiredOption('--model <id>', 'the model (or adapter) that produced the output', id('model id'))
      .requiredOption('--output <file>', 'the inference output')
      .requiredOption(
        '--data <dir>',
        'contribution files you hold (any layout; matched to contributions by their chunk roots)',
      )
      .option('--dry-run', 'print the spans and the calldata, send nothing')
      .option('--gas-limit <gas>', 'send with this gas limit instead of estimating', (v) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number of gas');
        return BigInt(v);
      }),
  ).action(
    async (
      opts: Common & { model: bigint; output: string; data: string; dryRun?: boolean; gasLimit?: bigint },
    ) => {
      const rpc = new Rpc(opts.rpc);
      const output = readFile(opts.output);
      const paths = filesUnder(opts.data);
      const signer = opts.dryRun ? undefined : signerFrom(opts.privateKey);
      const p = await params(rpc);
      if (output.length > p.maxOutputBytes)
        throw new OpenchainError(
          'USAGE',
          `${opts.output} is ${output.length} bytes; the chain accepts outputs of at most ${p.maxOutputBytes}`,
        );

      // The Datanets of the model's lineage: spans may cite only accepted contributions of those.
      const lineage: bigint[] = [];
      const usable = new Set<bigint>();
      for (let m: bigint = opts.model; m !== 0n; ) {
        const model = await view<ModelView>(rpc, 'getModel', [m]);
        lineage.push(m);
        for (const d of model.datanetIds) usable.add(d);
        m = model.baseModelId;
      }

      const files: (ContributionFile & { path: string })[] = [];
      const skipped: { file: string; reason: string }[] = [];
      for (const path of paths) {
        const content = new Uint8Array(readFileSync(path));
        const name = relative(opts.data, path);
        if (content.length === 0) continue;
        const contributionId = await view<bigint>(rpc, 'contributionByRoot', [
          chunkFile(content, p.chunkSize).chunkRoot,
        ]);
        if (contributionId === 0n) {
          skipped.push({ file: name, reason: 'not registered' });
          continue;
        }
        const c = await view<ContributionView>(rpc, 'getContribution', [contributionId]);
        if (c.status !== 1) {
          skipped.push({ file: name, reason: `contribution ${contributionId} is ${STATUS_NAMES[c.status]}` });
        } else if (!usable.has(c.datanetId)) {
          skipped.push({
            file: name,
            reason: `contribution ${contributionId} is in datanet ${c.datanetId}, which model ${opts.model} does not use`,
          });
        } else {
          files.push({ id: contributionId, content, chunkSize: c.chunkSize, path: name });
        }
      }

      const request = {
        modelId: opts.model,
        output,
        minSpanLength: p.minSpanLength,
        maxSpans: p.maxSpansPerRecord,
      };
      // With no usable file nothing is attributed: the record still pays the model's fee, and the
      // contributors' share goes to the treasury.
      const result =
        files.length > 0
          ? attribute(buildIndex(files), request)
          : { spans: [], attributedBytes: 0, calldata: inferenceCalldata(opts.model, output, []) };
      const fee = await view<bigint>(rpc, 'modelFee', [opts.model, output.length]);
      const spans = result.spans.map((s) => ({
        contributionId: s.file.id,
        file: files.find((f) => f.id === s.file.id)?.path,
        outputStart: s.outputStart,
        length: s.length,
        attributedBytes: s.attributedBytes,
      }));
      const summary = {
        modelId: opts.model,
        lineage,
        fee,
        outputBytes: output.length,
        attributedBytes: result.attributedBytes,
        spans,
        ...(skipped.length > 0 ? { skipped } : {}),
      };
      if (opts.dryRun) {
        print({ ...summary, to: ATTRIBUTION_ADDRESS, value: fee, calldata: result.calldata });
        return;
      }
      const [sent] = await sendAll(
        rpc,
        signer!,
        [{ data: result.calldata, value: fee, gasLimit: opts.gasLimit, what: 'recordInference' }],
        opts.timeout * 1000,
      );
      finish(
        {
          inferenceId: eventArg(sent!, 'InferenceAttributed', 'inferenceId'),
          ...summary,
          payouts: sent!.events
            .filter((e) => e.event === 'RewardPaid')
            .map((e) => ({
              role: ROLE_NAMES[Number(e.args['role'])],
              recipient: (e.args['recipient'] as string).toLowerCase(),
              refId: e.args['refId'],
              amount: e.args['amount'],
            })),
          ...txSummary(sent!),
        },
        [sent!],
      );
    },
  );

  withRpc(
    program
      .command('earnings [address]')
      .description(
        'attribution earnings: of a contributor address (with its balance), or of a contribution or Datanet',
      )
      .option('--contribution <id>', 'earnings of one contribution', id('contribution id'))
      .option('--datanet <id>', 'earnings of one Datanet', id('datanet id')),
  ).action(
    async (raw: string | undefined, opts: { rpc: string; contribution?: bigint; datanet?: bigint }) => {
      const rpc = new Rpc(opts.rpc);
      if (raw === undefined && opts.contribution === undefined && opts.datanet === undefined)
        throw new OpenchainError('USAGE', 'earnings: give an ADDRESS, --contribution ID or --datanet ID');
      const out: Record<string, unknown> = {};
      if (raw !== undefined) {
        const who = address(raw);
        const [earned, balance] = await Promise.all([
          view<bigint>(rpc, 'contributorEarnings', [who]),
          rpc.call<Hex>('eth_getBalance', [who, 'latest']),
        ]);
        Object.assign(out, { address: who, contributorEarnings: earned, balance: BigInt(balance) });
      }
      if (opts.contribution !== undefined)
        Object.assign(out, {
          contributionId: opts.contribution,
          contributionEarnings: await view<bigint>(rpc, 'contributionEarnings', [opts.contribution]),
        });
      if (opts.datanet !== undefined)
        Object.assign(out, {
          datanetId: opts.datanet,
          datanetEarnings: await view<bigint>(rpc, 'datanetEarnings', [opts.datanet]),
        });
      print(out);
    },
  );
}

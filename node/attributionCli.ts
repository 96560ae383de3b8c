// Proof of Attribution from the command line: `openchain datanet …`, `contribute`, `model …`,
// and `attribute`. Each command talks to a node over JSON-RPC through moduleClient.ts
// (signing locally, waiting for the receipt) and prints JSON: the ids the module's events carry,
// the transaction hash and the gas used. A failed transaction prints its receipt's failureReason
// and exits 1. docs/attribution.md, "Command line".
import { readFileSync, statSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { AbiFunction } from 'ox';
import type { Address } from '../core/address.ts';
import { OpenchainError } from '../core/errors.ts';
import {
  attribute,
  buildIndex,
  type ContributionFile,
  chunkFile,
  inferenceCalldata,
} from '../prover/index.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { candidatesArg, recordAttestedInference, scoresArg } from './attestCli.ts';
import { filesUnder } from './dataDir.ts';
import {
  amountArg as amount,
  type SignerOptions as Common,
  calldata,
  connect,
  eventArg,
  finish,
  type ModuleTarget,
  moduleView,
  type Node,
  print,
  type SentTx,
  type Signer,
  sendAll as sendToModule,
  signerFrom,
  type TxRequest,
  txSummary,
  withRpc,
  withSigner,
} from './moduleClient.ts';
import { registerContributions } from './register.ts';

export const ROLE_NAMES = [
  'modelOwner',
  'baseModelOwner',
  'contributor',
  'validator',
  'treasury',
  'datanetOwner',
  'challenger',
] as const;
const STATUS_NAMES = ['pending', 'accepted', 'rejected', 'flagged', 'withdrawn', 'displaced'] as const;
const POLICY_NAMES = ['open', 'curated'] as const;

const ATTRIBUTION: ModuleTarget = { address: ATTRIBUTION_ADDRESS, abi: attributionAbi };

type FnName = AbiFunction.Name<typeof attributionAbi>;

/** Calls a view of the attribution module. */
export function view<T = unknown>(rpc: Node, name: FnName, args: readonly unknown[] = []): Promise<T> {
  return moduleView<T>(rpc, ATTRIBUTION, name, args);
}

/** Sends transactions to the attribution module (moduleClient.ts's sendAll). */
export function sendAll(
  rpc: Node,
  signer: Signer,
  requests: readonly TxRequest[],
  timeoutMs: number,
): Promise<SentTx[]> {
  return sendToModule(rpc, signer, ATTRIBUTION, requests, timeoutMs);
}

function fnData(name: FnName, args: readonly unknown[]) {
  return calldata(ATTRIBUTION, name, args);
}

// ---------------------------------------------------------------------------------------------
// Argument parsing

export function id(what: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || BigInt(value) < 1n || BigInt(value) >= 2n ** 64n)
      throw new InvalidArgumentError(`${what} must be a positive integer id`);
    return BigInt(value);
  };
}

function ids(what: string) {
  return (value: string) => value.split(',').map((v) => id(what)(v.trim()));
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

// ---------------------------------------------------------------------------------------------
// Reads shared by the commands

export interface Params {
  chunkSize: number;
  minSpanLength: number;
  maxOutputBytes: number;
  maxSpansPerRecord: number;
}

export async function params(rpc: Node): Promise<Params> {
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

async function datanet(rpc: Node, datanetId: bigint): Promise<DatanetView> {
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

export interface UsableFiles {
  /** The model, its base model, and so on. */
  readonly lineage: bigint[];
  /** Files registered as accepted contributions of the lineage's Datanets. */
  readonly files: (ContributionFile & { path: string })[];
  readonly skipped: { file: string; reason: string }[];
}

/**
 * The files under `dir` that spans of `modelId` may cite: each matched to its contribution by chunk
 * root, kept if accepted and in a Datanet of the model's lineage, else listed with the reason.
 */
export async function usableFiles(
  rpc: Node,
  modelId: bigint,
  dir: string,
  chunkSize: number,
): Promise<UsableFiles> {
  const paths = filesUnder(dir, '--data');
  const lineage: bigint[] = [];
  const usable = new Set<bigint>();
  for (let m: bigint = modelId; m !== 0n; ) {
    const model = await view<ModelView>(rpc, 'getModel', [m]);
    lineage.push(m);
    for (const d of model.datanetIds) usable.add(d);
    m = model.baseModelId;
  }

  const files: (ContributionFile & { path: string })[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const path of paths) {
    const content = new Uint8Array(readFileSync(path));
    const name = relative(dir, path);
    if (content.length === 0) continue;
    const contributionId = await view<bigint>(rpc, 'contributionByRoot', [
      chunkFile(content, chunkSize).chunkRoot,
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
        reason: `contribution ${contributionId} is in datanet ${c.datanetId}, which model ${modelId} does not use`,
      });
    } else {
      files.push({ id: contributionId, content, chunkSize: c.chunkSize, path: name });
    }
  }
  return { lineage, files, skipped };
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
          .choices(POLICY_NAMES)
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
      const rpc = connect(opts.rpc);
      const signer = signerFrom(opts.privateKey);
      const data = fnData('createDatanet', [
        opts.name,
        opts.metadataUri,
        opts.license,
        POLICY_NAMES.indexOf(opts.policy as (typeof POLICY_NAMES)[number]),
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
      const rpc = connect(opts.rpc);
      const signer = signerFrom(opts.privateKey);
      const list = raw.flatMap((v) => ids('contribution id')(v));
      const requests = list.map((cid) => ({
        data: fnData(approve ? 'approveContribution' : 'rejectContribution', [cid]),
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
      const d = await datanet(connect(opts.rpc), id('datanet id')(raw));
      print({ ...d, policy: POLICY_NAMES[d.policy] ?? d.policy });
    },
  );

  withSigner(
    program
      .command('contribute <files...>')
      .description(
        'register files as contributions to a Datanet: each is split into chunks and its chunk root computed locally, committed to, and revealed a few blocks later with the chunks the chain draws as proof of possession (and the bond the Datanet asks)',
      )
      .requiredOption('--datanet <id>', 'Datanet to contribute to', id('datanet id'))
      .option(
        '--uri-prefix <prefix>',
        "each contribution's URI is this prefix followed by the file name",
        '',
      ),
  ).action(async (files: string[], opts: Common & { datanet: bigint; uriPrefix: string }) => {
    const rpc = connect(opts.rpc);
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
        const file = chunkFile(content, p.chunkSize);
        const existing = await view<bigint>(rpc, 'contributionByRoot', [file.chunkRoot]);
        if (existing !== 0n)
          throw new OpenchainError(
            'DUPLICATE_CONTENT',
            `${path} is already registered as contribution ${existing} (the same content is accepted once, from its earliest commit)`,
          );
        const twin = seen.get(file.chunkRoot);
        if (twin) throw new OpenchainError('DUPLICATE_CONTENT', `${path} has the same content as ${twin}`);
        seen.set(file.chunkRoot, path);
        return { path, uri, content, file };
      }),
    );
    const { reveals: sent } = await registerContributions(
      rpc,
      signer,
      prepared.map((f) => ({
        datanetId: opts.datanet,
        content: f.content,
        chunkSize: p.chunkSize,
        uri: f.uri,
        what: f.path,
      })),
      d.bond,
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
      const rpc = connect(opts.rpc);
      const signer = signerFrom(opts.privateKey);
      const data = fnData('registerModel', [
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
      print(await view(connect(opts.rpc), 'getModel', [id('model id')(raw)]));
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
      .option(
        '--data <dir>',
        'contribution files you hold (any layout; matched to contributions by their chunk roots); required for span records',
      )
      .option(
        '--attested',
        'record an attested inference instead (validators score the candidates): needs --candidates and --scores or --data',
      )
      .option(
        '--candidates <ids>',
        'with --attested: the contributions that influenced the output',
        candidatesArg,
      )
      .option(
        '--scores <scores>',
        "with --attested: the operator's claimed score of each candidate, 0-10000 (default: the built-in scorer over --data)",
        scoresArg,
      )
      .option('--dry-run', 'print the spans and the calldata, send nothing')
      .option(
        '--allow-empty',
        "record the inference even if no span is attributed (the contributors' share then goes to the treasury)",
      )
      .option('--gas-limit <gas>', 'send with this gas limit instead of estimating', (v) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number of gas');
        return BigInt(v);
      }),
  ).action(
    async (
      opts: Common & {
        model: bigint;
        output: string;
        data?: string;
        attested?: boolean;
        candidates?: bigint[];
        scores?: number[];
        dryRun?: boolean;
        allowEmpty?: boolean;
        gasLimit?: bigint;
      },
    ) => {
      const output = readFile(opts.output);
      if (opts.attested) {
        await recordAttestedInference({ ...opts, output, outputPath: opts.output });
        return;
      }
      if (opts.candidates || opts.scores)
        throw new OpenchainError(
          'USAGE',
          '--candidates and --scores are for attested records: add --attested',
        );
      const data = opts.data;
      if (data === undefined) throw new OpenchainError('USAGE', '--data DIR is required for a span record');
      const rpc = connect(opts.rpc);
      const signer = opts.dryRun ? undefined : signerFrom(opts.privateKey);
      const p = await params(rpc);
      if (output.length > p.maxOutputBytes)
        throw new OpenchainError(
          'USAGE',
          `${opts.output} is ${output.length} bytes; the chain accepts outputs of at most ${p.maxOutputBytes}`,
        );

      const { lineage, files, skipped } = await usableFiles(rpc, opts.model, data, p.chunkSize);

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
      if (result.attributedBytes === 0) {
        const why = `no byte of ${opts.output} is attributed to an accepted contribution of model ${opts.model}'s Datanets in ${data}${skipped.length > 0 ? ` (${skipped.length} file(s) skipped: see --dry-run)` : ''}; the record would pay the whole fee of ${fee} wei and send the contributors' share to the treasury`;
        if (!opts.allowEmpty)
          throw new OpenchainError('EMPTY_ATTRIBUTION', `${why}. Pass --allow-empty to record it anyway`);
        process.stderr.write(`warning: ${why}\n`);
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
              recipient: e.args['recipient'],
              refId: e.args['refId'],
              amount: e.args['amount'],
            })),
          ...txSummary(sent!),
        },
        [sent!],
      );
    },
  );
}

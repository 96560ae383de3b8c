// Watching attribution from the command line: `openchain challenge` re-runs the prover on a
// recorded output against the Datanet files you hold and submits a challenge when it finds a better
// attribution (docs/attribution.md, "Escrow and challenges"); with --follow it does so for every new
// inference until SIGINT/SIGTERM. `openchain settle` pays escrowed pools out after their window;
// `openchain operator` and `openchain attribution-bond` manage who may record a model.
import type { Command } from 'commander';
import { decodeFunctionData } from 'viem';
import { equalBytes, type Hex, hexToBytes } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { buildIndex, challenge } from '../prover/index.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import type { Segment } from '../state/modules/attribution/canonical.ts';
import { id, params, sendAll, usableFiles, view } from './attributionCli.ts';
import {
  addressArg as address,
  amountArg as amount,
  type SignerOptions as Common,
  calldata,
  connect,
  finish,
  type Node,
  print,
  printLine,
  request,
  type Signer,
  signerFrom,
  txSummary,
  withSigner,
} from './moduleClient.ts';

const ATTRIBUTION = { address: ATTRIBUTION_ADDRESS, abi: attributionAbi };

interface InferenceView {
  modelId: bigint;
  height: bigint;
  outputHash: Hex;
}

interface EscrowView {
  windowEnd: bigint;
  segments: Segment[];
  settled: boolean;
}

/** The output of an inference, from the calldata of the transaction that recorded it (checked against its hash). */
async function recordedOutput(rpc: Node, inferenceId: bigint, inference: InferenceView): Promise<Uint8Array> {
  const logs = await request(rpc, (node) =>
    node.getContractEvents({
      address: ATTRIBUTION_ADDRESS,
      abi: attributionAbi,
      eventName: 'InferenceAttributed',
      args: { inferenceId },
      fromBlock: inference.height,
      toBlock: inference.height,
    }),
  );
  if (logs.length !== 1)
    throw new OpenchainError('NOT_FOUND', `no record transaction found for inference ${inferenceId}`);
  const tx = await request(rpc, (node) => node.getTransaction({ hash: logs[0]!.transactionHash }));
  const { args } = decodeFunctionData({ abi: attributionAbi, data: tx.input });
  if (!args)
    throw new OpenchainError('NOT_FOUND', `the record transaction of inference ${inferenceId} has no output`);
  const output = args[1] as Hex;
  const bytes = hexToBytes(output);
  if (!equalBytes(sha256(bytes), hexToBytes(inference.outputHash)))
    throw new OpenchainError(
      'NOT_FOUND',
      `the record transaction of inference ${inferenceId} does not carry its output`,
    );
  return bytes;
}

interface ChallengeOptions extends Common {
  data: string;
  dryRun?: boolean;
}

/** Challenges one inference if the prover finds a better attribution; returns what it did. */
async function challengeOne(
  rpc: Node,
  signer: Signer | undefined,
  inferenceId: bigint,
  opts: ChallengeOptions,
) {
  const [inference, escrow, p, head] = await Promise.all([
    view<InferenceView>(rpc, 'getInference', [inferenceId]),
    view<EscrowView>(rpc, 'getEscrow', [inferenceId]),
    params(rpc),
    request(rpc, (node) => node.getBlockNumber({ cacheTime: 0 })),
  ]);
  if (escrow.settled || head >= escrow.windowEnd)
    return { inferenceId, challenged: false, reason: escrow.settled ? 'settled' : 'challenge window closed' };
  const output = await recordedOutput(rpc, inferenceId, inference);
  const { files } = await usableFiles(rpc, inference.modelId, opts.data, p.chunkSize);
  const found =
    files.length === 0
      ? null
      : challenge(buildIndex(files), {
          inferenceId,
          output,
          recorded: escrow.segments,
          minSpanLength: p.minSpanLength,
          maxSpans: p.maxSpansPerRecord,
        });
  if (!found)
    return { inferenceId, challenged: false, reason: 'the recorded attribution is as good as ours' };
  const spans = found.spans.map((s) => ({
    contributionId: s.file.id,
    outputStart: s.outputStart,
    length: s.length,
  }));
  if (opts.dryRun || !signer)
    return { inferenceId, challenged: false, spans, to: ATTRIBUTION_ADDRESS, calldata: found.calldata };
  const [sent] = await sendAll(
    rpc,
    signer,
    [{ data: found.calldata, what: 'challengeInference' }],
    opts.timeout * 1000,
  );
  const event = sent!.events.find((e) => e.event === 'InferenceChallenged');
  return {
    inferenceId,
    challenged: sent!.status === 'success',
    spans,
    ...(event ? { bytesMoved: event.args['bytesMoved'], reward: event.args['reward'] } : {}),
    ...txSummary(sent!),
  };
}

/** Resolves after `ms`, or at once when `stop` fires. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stop.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Checks every new inference until SIGINT/SIGTERM; prints one JSON line per inference. */
async function follow(
  rpc: Node,
  signer: Signer | undefined,
  opts: ChallengeOptions & { from?: bigint; interval: number },
) {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let next = opts.from ?? (await view<bigint[]>(rpc, 'counts'))[3]! + 1n;
    while (!stop.signal.aborted) {
      const last = (await view<bigint[]>(rpc, 'counts'))[3]!;
      for (; next <= last && !stop.signal.aborted; next++)
        printLine(await challengeOne(rpc, signer, next, opts));
      await pause(opts.interval * 1000, stop.signal);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function registerChallengeCommands(program: Command): void {
  withSigner(
    program
      .command('challenge')
      .description(
        "prove a better attribution of a recorded inference with the contribution files in --data, and submit it as a challenge (paid from the recorder's bond)",
      )
      .option('--inference <id>', 'the inference to check', id('inference id'))
      .requiredOption('--data <dir>', 'contribution files you hold (matched to contributions by chunk root)')
      .option('--follow', 'keep checking every new inference until SIGINT/SIGTERM')
      .option(
        '--from <id>',
        'with --follow: start at this inference (default: the next one recorded)',
        id('inference id'),
      )
      .option('--interval <seconds>', 'with --follow: seconds between polls', (v) => Number(v), 2)
      .option('--dry-run', 'print the challenge, send nothing'),
  ).action(
    async (
      opts: ChallengeOptions & { inference?: bigint; follow?: boolean; from?: bigint; interval: number },
    ) => {
      if ((opts.inference === undefined) === !opts.follow)
        throw new OpenchainError('USAGE', 'challenge: give either --inference ID or --follow');
      if (!(opts.interval > 0))
        throw new OpenchainError('USAGE', '--interval must be a positive number of seconds');
      const rpc = connect(opts.rpc);
      const signer = opts.dryRun ? undefined : signerFrom(opts.privateKey);
      if (opts.follow) return follow(rpc, signer, opts);
      const result = await challengeOne(rpc, signer, opts.inference!, opts);
      print(result);
      if ('status' in result && result.status === 'failed')
        throw new OpenchainError('TX_FAILED', `challenge failed: ${result.failureReason}`);
    },
  );

  withSigner(
    program
      .command('settle <inferenceIds...>')
      .description("pay out escrowed contributors' pools whose challenge window has closed"),
  ).action(async (raw: string[], opts: Common) => {
    const rpc = connect(opts.rpc);
    const list = raw.map((v) => id('inference id')(v));
    const sent = await sendAll(
      rpc,
      signerFrom(opts.privateKey),
      list.map((i) => ({
        data: calldata(ATTRIBUTION, 'settleInference', [i]),
        what: `settle inference ${i}`,
      })),
      opts.timeout * 1000,
    );
    finish(
      sent.map((s, i) => ({ inferenceId: list[i], ...txSummary(s) })),
      sent,
    );
  });

  withSigner(
    program
      .command('operator <modelId> <address>')
      .description('authorize an operator to record inferences of a model you own (--remove to revoke)')
      .option('--remove', 'revoke instead'),
  ).action(async (model: string, who: string, opts: Common & { remove?: boolean }) => {
    const args = [id('model id')(model), address(who), !opts.remove];
    const [sent] = await sendAll(
      connect(opts.rpc),
      signerFrom(opts.privateKey),
      [{ data: calldata(ATTRIBUTION, 'setOperator', args), what: 'setOperator' }],
      opts.timeout * 1000,
    );
    finish({ modelId: args[0], operator: args[1], allowed: args[2], ...txSummary(sent!) }, [sent!]);
  });

  withSigner(
    program
      .command('attribution-bond <action> <modelId>')
      .description('post, unlock or withdraw your attribution bond for a model (post needs --amount)')
      .option('--amount <amount>', 'with post: amount to add, in wei or e.g. 10OPEN', amount),
  ).action(async (action: string, model: string, opts: Common & { amount?: bigint }) => {
    const fn = {
      post: 'postAttributionBond',
      unlock: 'unlockAttributionBond',
      withdraw: 'withdrawAttributionBond',
    }[action];
    if (!fn)
      throw new OpenchainError(
        'USAGE',
        `attribution-bond: action must be post, unlock or withdraw, got ${action}`,
      );
    if ((action === 'post') !== (opts.amount !== undefined))
      throw new OpenchainError('USAGE', 'attribution-bond: --amount goes with post, and only with post');
    const modelId = id('model id')(model);
    const [sent] = await sendAll(
      connect(opts.rpc),
      signerFrom(opts.privateKey),
      [{ data: calldata(ATTRIBUTION, fn, [modelId]), value: opts.amount, what: fn }],
      opts.timeout * 1000,
    );
    finish(
      { modelId, action, ...(opts.amount !== undefined ? { amount: opts.amount } : {}), ...txSummary(sent!) },
      [sent!],
    );
  });
}

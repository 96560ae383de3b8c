// Attested scores from the command line (docs/attribution.md, "Attested scores"):
//   openchain attest show ID                     the record, its candidates with their claimed and
//                                                consensus scores, each validator's scores, clipped
//                                                scores and reward, and the settlement's payouts
//   openchain attribute --attested --candidates  an operator records an attested inference, its
//                                                claimed scores given (--scores) or computed by the
//                                                built-in scorer over the candidates' files (--data)
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Address } from '../core/address.ts';
import { bytesToHex } from '../core/bytes.ts';
import { OpenchainError } from '../core/errors.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../state/modules/attribution/abi.ts';
import { ngramScores } from './attestation/ngram.ts';
import { MAX_SCORE } from './attestation/scorer.ts';
import { id, params, ROLE_NAMES, sendAll, usableFiles, view } from './attributionCli.ts';
import {
  type SignerOptions as Common,
  calldata,
  connect,
  eventArg,
  finish,
  print,
  signerFrom,
  txSummary,
  withRpc,
} from './moduleClient.ts';

interface Payout {
  role: number;
  refId: bigint;
  recipient: Address;
  amount: bigint;
}

/** getAttestedInference's return value, as viem decodes it. */
export interface AttestedView {
  id: bigint;
  modelId: bigint;
  recorder: Address;
  height: bigint;
  outputHash: string;
  outputBytes: number;
  candidates: readonly bigint[];
  claimedScores: readonly number[];
  commitEnd: bigint;
  revealEnd: bigint;
  pool: bigint;
  validatorsPool: bigint;
  settled: boolean;
  quorumReached: boolean;
  consensusScores: readonly number[];
  revealedPower: bigint;
  totalPower: bigint;
  payouts: readonly Payout[];
}

/** One element of getAttestations' return value, as viem decodes it. */
export interface AttestationView {
  validator: Address;
  power: bigint;
  committed: boolean;
  revealed: boolean;
  scores: readonly number[];
  clippedScores: readonly number[];
  reward: bigint;
}

/** Comma-separated scores, each an integer in [0, MAX_SCORE]. */
export function scoresArg(value: string): number[] {
  return value.split(',').map((raw) => {
    const s = raw.trim();
    if (!/^\d+$/.test(s) || Number(s) > MAX_SCORE)
      throw new InvalidArgumentError(`scores are integers in [0, ${MAX_SCORE}], got ${JSON.stringify(s)}`);
    return Number(s);
  });
}

export function candidatesArg(value: string): bigint[] {
  const ids = value.split(',').map((v) => id('contribution id')(v.trim()));
  if (new Set(ids).size !== ids.length) throw new InvalidArgumentError('candidates must be distinct');
  return ids;
}

/** The record and its attestations, one JSON value. */
export async function attestedSummary(rpcUrl: string, inferenceId: bigint) {
  const rpc = connect(rpcUrl);
  const [r, attestations] = await Promise.all([
    view<AttestedView>(rpc, 'getAttestedInference', [inferenceId]),
    view<AttestationView[]>(rpc, 'getAttestations', [inferenceId]),
  ]);
  const { candidates, claimedScores, consensusScores, payouts, ...record } = r;
  return {
    ...record,
    candidates: candidates.map((contributionId, i) => ({
      contributionId,
      claimedScore: claimedScores[i],
      consensusScore: r.settled && r.quorumReached ? consensusScores[i] : null,
    })),
    attestations,
    payouts: payouts.map((p) => ({ ...p, role: ROLE_NAMES[p.role] })),
  };
}

export function registerAttestCommands(program: Command): void {
  const attest = program.command('attest').description('inspect attested inference records');
  withRpc(
    attest
      .command('show <inferenceId>')
      .description(
        "print an attested record: candidates with claimed and consensus scores, each validator's scores, clipped scores and reward",
      ),
  ).action(async (raw: string, opts: { rpc: string }) => {
    print(await attestedSummary(opts.rpc, id('inference id')(raw)));
  });
}

export interface AttestedRecordOptions extends Common {
  model: bigint;
  output: Uint8Array;
  outputPath: string;
  candidates?: bigint[];
  scores?: number[];
  data?: string;
  dryRun?: boolean;
  gasLimit?: bigint;
}

/** `openchain attribute --attested`: records the output with its candidates and claimed scores. */
export async function recordAttestedInference(opts: AttestedRecordOptions): Promise<void> {
  const { candidates } = opts;
  if (!candidates) throw new OpenchainError('USAGE', '--attested needs --candidates ID,ID,...');
  if ((opts.scores === undefined) === (opts.data === undefined))
    throw new OpenchainError(
      'USAGE',
      "--attested needs either --scores S,S,... (one per candidate) or --data DIR (the built-in scorer over the candidates' files)",
    );
  const rpc = connect(opts.rpc);
  const p = await params(rpc);
  if (opts.output.length > p.maxOutputBytes)
    throw new OpenchainError(
      'USAGE',
      `${opts.outputPath} is ${opts.output.length} bytes; the chain accepts outputs of at most ${p.maxOutputBytes}`,
    );
  let claimed: number[];
  if (opts.scores) {
    if (opts.scores.length !== candidates.length)
      throw new OpenchainError(
        'USAGE',
        `--scores gives ${opts.scores.length} scores for ${candidates.length} candidates`,
      );
    claimed = opts.scores;
  } else {
    const { files } = await usableFiles(rpc, opts.model, opts.data!, p.chunkSize);
    const contents = candidates.map((c) => {
      const file = files.find((f) => f.id === c);
      if (!file)
        throw new OpenchainError(
          'USAGE',
          `candidate ${c} is not an accepted contribution of model ${opts.model}'s lineage held in ${opts.data}`,
        );
      return file.content;
    });
    claimed = ngramScores(opts.output, contents);
  }
  const data = calldata({ address: ATTRIBUTION_ADDRESS, abi: attributionAbi }, 'recordAttestedInference', [
    opts.model,
    bytesToHex(opts.output),
    candidates,
    claimed,
  ]);
  const fee = await view<bigint>(rpc, 'modelFee', [opts.model, opts.output.length]);
  const summary = {
    modelId: opts.model,
    fee,
    outputBytes: opts.output.length,
    candidates,
    claimedScores: claimed,
  };
  if (opts.dryRun) {
    print({ ...summary, to: ATTRIBUTION_ADDRESS, value: fee, calldata: data });
    return;
  }
  const [sent] = await sendAll(
    rpc,
    signerFrom(opts.privateKey),
    [{ data, value: fee, gasLimit: opts.gasLimit, what: 'recordAttestedInference' }],
    opts.timeout * 1000,
  );
  finish(
    {
      inferenceId: eventArg(sent!, 'AttestedInferenceRecorded', 'inferenceId'),
      ...summary,
      commitEnd: eventArg(sent!, 'AttestedInferenceRecorded', 'commitEnd'),
      revealEnd: eventArg(sent!, 'AttestedInferenceRecorded', 'revealEnd'),
      ...txSummary(sent!),
    },
    [sent!],
  );
}

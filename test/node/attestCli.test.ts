// `openchain attribute --attested` and `openchain attest show` (the CLI's program in-process)
// against a real node whose validator (operated by account 0) attests with the built-in scorer over
// a mirror of the contributions: the record made from local files claims the built-in scores, the
// node's own attestor settles it, and `attest show` prints the consensus, the validator's scores,
// clipped scores and reward. Every bad invocation is refused before anything is sent.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from '../../genesis/defaults.ts';
import { ngramScores } from '../../node/attestation/ngram.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { runProgram } from '../helpers/program.ts';

const FEE = 1_000_000_000_000_000_007n;
const texts = [
  'validators attest how much each candidate shaped an answer, and the chain settles on a median. ',
  'a second contribution about something else entirely: rivers, boats and the price of rope. ',
];
const OUTPUT = `an answer: ${texts[0]!.repeat(2)} and a little of ${texts[1]!.slice(0, 30)}`;

interface Shown {
  settled: boolean;
  quorumReached: boolean;
  validatorsPool: string;
  candidates: { contributionId: string; claimedScore: number; consensusScore: number | null }[];
  attestations: {
    validator: string;
    revealed: boolean;
    scores: number[];
    clippedScores: number[];
    reward: string;
  }[];
  payouts: { role: string; amount: string }[];
}

describe('openchain attribute --attested and attest show', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-attest-cli-'));
  const data = join(dir, 'data');
  const outputFile = join(dir, 'out.txt');
  let t: TestNode;
  const key = (i: number) => t.accounts[i]!.privateKey;

  const run = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => {
    const { stdout, error } = await runProgram([...args, '--rpc', t.url]);
    if (error) throw error;
    return JSON.parse(stdout) as T;
  };
  const refused = async (...args: string[]) => {
    const { stdout, error } = await runProgram([...args, '--rpc', t.url]);
    expect(stdout).toBe('');
    return error?.message;
  };

  let modelId: string;
  const attested = ['attribute', '--attested', '--output', outputFile];

  beforeAll(async () => {
    mkdirSync(data);
    texts.forEach((text, i) => {
      writeFileSync(join(data, `${i}.txt`), text);
    });
    writeFileSync(outputFile, OUTPUT);
    t = await startTestNode({
      params: {
        attribution: { ...DEFAULT_PARAMS.attribution, attestationWindowBlocks: 4, minAttributionBond: '0' },
      },
      // Account 0 operates the validator: its attestor signs with that key.
      attestation: { account: { privateKey: devAccounts(1)[0]!.privateKey }, mirrors: { '*': data } },
    });
    await run('datanet', 'create', '--name', 'attested', '--private-key', key(2));
    for (const i of [0, 1])
      await run('contribute', join(data, `${i}.txt`), '--datanet', '1', '--private-key', key(1));
    ({ modelId } = await run<{ modelId: string }>(
      'model',
      'register',
      '--name',
      'm',
      '--datanets',
      '1',
      '--fee-per-inference',
      FEE.toString(),
      '--split',
      '5000,3000,1000,1000',
      '--private-key',
      key(2),
    ));
  });

  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records with the built-in scores of local files; the node attests and settles; attest show tells who earned what', async () => {
    const expected = ngramScores(
      new TextEncoder().encode(OUTPUT),
      texts.map((s) => new TextEncoder().encode(s)),
    );
    expect(expected[0]).toBeGreaterThan(expected[1]!);
    const recorded = await run<{ inferenceId: string; claimedScores: number[]; status: string; fee: string }>(
      ...attested,
      '--model',
      modelId,
      '--candidates',
      '1,2',
      '--data',
      data,
      '--private-key',
      key(2),
    );
    expect(recorded).toMatchObject({ status: 'success', claimedScores: expected, fee: FEE.toString() });

    let shown: Shown | undefined;
    for (let i = 0; i < 200 && !shown?.settled; i++) {
      shown = await run<Shown>('attest', 'show', recorded.inferenceId);
      if (!shown.settled) await new Promise((r) => setTimeout(r, 100));
    }
    expect(shown!.settled).toBe(true);
    expect(shown!.quorumReached).toBe(true);
    expect(shown!.candidates).toEqual([
      { contributionId: '1', claimedScore: expected[0], consensusScore: expected[0] },
      { contributionId: '2', claimedScore: expected[1], consensusScore: expected[1] },
    ]);
    expect(shown!.attestations).toEqual([
      {
        validator: t.accounts[0]!.address.toLowerCase(),
        power: expect.any(String),
        committed: true,
        revealed: true,
        scores: expected,
        clippedScores: expected,
        reward: shown!.validatorsPool,
      },
    ]);
    expect(shown!.payouts.filter((p) => p.role === 'contributor')).toHaveLength(2);
  });

  it('takes claimed scores from --scores', async () => {
    const dry = await run<{ claimedScores: number[]; candidates: string[] }>(
      ...attested,
      '--model',
      modelId,
      '--candidates',
      '2,1',
      '--scores',
      '7,10000',
      '--dry-run',
    );
    expect(dry).toMatchObject({ claimedScores: [7, 10_000], candidates: ['2', '1'] });
  });

  it('refuses bad invocations before sending anything', async () => {
    const m = ['--model', modelId, '--private-key', key(2)];
    expect(await refused(...attested, ...m, '--scores', '1')).toMatch(/--attested needs --candidates/);
    expect(await refused(...attested, ...m, '--candidates', '1,2')).toMatch(/either --scores .* or --data/);
    expect(await refused(...attested, ...m, '--candidates', '1', '--scores', '1', '--data', data)).toMatch(
      /either --scores/,
    );
    expect(await refused(...attested, ...m, '--candidates', '1,2', '--scores', '1')).toMatch(
      /1 scores for 2 candidates/,
    );
    expect(await refused(...attested, ...m, '--candidates', '1', '--scores', '10001')).toMatch(
      /integers in \[0, 10000\]/,
    );
    expect(await refused(...attested, ...m, '--candidates', '1,1', '--scores', '1,1')).toMatch(/distinct/);
    expect(await refused(...attested, ...m, '--candidates', '1,3', '--data', data)).toMatch(
      /candidate 3 is not an accepted contribution/,
    );
    expect(
      await refused('attribute', '--output', outputFile, ...m, '--candidates', '1', '--data', data),
    ).toMatch(/add --attested/);
    expect(await refused('attribute', '--output', outputFile, ...m)).toMatch(/--data DIR is required/);
    expect(await refused('attest', 'show', '999')).toMatch(/UNKNOWN_INFERENCE/);
  });
});

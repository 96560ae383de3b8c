// Escrow and challenges end to end, on a devnet of four validator processes driven by the real CLI.
// An authorized, bonded operator records two inferences from incomplete copies of a Datanet: the
// first cites a later copy of Alice's text (in Bob's file) instead of the original and omits Carol's
// quote; the second omits Carol's quote. A watcher holding the whole Datanet proves the canonical
// attribution with `openchain challenge --inference` (the first) and `openchain challenge --follow`
// (the second), is paid from the operator's bond, and finds nothing more to challenge in a corrected
// record. After the window `openchain settle` pays both pools. Every node must agree, to the wei
// and from figures computed here independently: the contributors' balances, the fee paid out in
// full, the escrow emptied.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createPublicClient, decodeEventLog, getAbiItem, type Hex, http, toEventSelector } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccounts } from '../../node/devAccounts.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import {
  balanceAt,
  contribute,
  deltaAt,
  expectedShares,
  FEE,
  json,
  modelWithOperator,
  onEveryNode,
  type Receipt,
  cliJson as run,
  SPLIT,
  startAttributionDevnet,
  text,
  topicOf,
} from './attributionFixtures.ts';
import { cli, cliProcess, rpc } from './cli.ts';
import { fillBlocks, type TestDevnet, waitFor, withBlocks } from './devnet.ts';

type Account = ReturnType<typeof devAccounts>[number];
// Funded in the devnet's genesis; `filler` only makes blocks to close the window.
const [owner, alice, bob, carol, operator, watcher, filler] = devAccounts(7) as [
  Account,
  Account,
  Account,
  Account,
  Account,
  Account,
  Account,
];
/**
 * Blocks a pool stays open to challenges. The devnet makes blocks for transactions only, and while
 * idle one every 3 s: the window outlasts two CLI processes that start, read the chain and have a
 * transaction mined however slowly a loaded machine runs them (at a load average of 34 they took
 * tens of seconds, longer than 80 blocks of 300 ms), about 2 minutes of idle blocks besides the
 * test's own few transactions. The test then closes it with blocks of its own (fillBlocks) instead
 * of waiting for it.
 */
const WINDOW = 40;
/**
 * Twice the genesis default minimum (10 OPEN), so that the operator may still record after the
 * first challenge took its reward (0.01 OPEN per byte moved, the default) from it.
 */
const BOND = 20n * 10n ** 18n;
const REWARD_PER_BYTE = 10n ** 16n;
const REWARD_PAID = toEventSelector(getAbiItem({ abi: attributionAbi, name: 'RewardPaid' }));
const CONTRIBUTOR_ROLE = 2;

interface Segment {
  outputStart: number;
  length: number;
  contributionId: bigint;
}

interface Escrow {
  pool: bigint;
  windowEnd: bigint;
  segments: readonly Segment[];
  challenges: number;
  slashed: bigint;
  settled: boolean;
  payouts: readonly { role: number; amount: bigint }[];
}

interface RewardPaid {
  role: number;
  refId: bigint;
  recipient: Hex;
  amount: bigint;
}

interface ChallengeResult {
  inferenceId: string;
  challenged: boolean;
  reason?: string;
  bytesMoved?: number;
  reward?: string;
  status?: string;
  txHash?: Hex;
  blockNumber?: number;
}

describe('challenges and settlement on a four-validator devnet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-challenge-e2e-'));
  let devnet: TestDevnet;
  const urls = () => [0, 1, 2, 3].map((i) => devnet.url(i));

  beforeAll(async () => {
    // Blocks come for transactions only, so a short interval costs nothing while idle.
    devnet = await startAttributionDevnet(
      { challengeWindowBlocks: WINDOW },
      { emptyBlocks: false, blockIntervalMs: 100 },
    );
  });

  afterAll(async () => {
    await devnet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A view of the attribution module at the node's head (the RPC serves calls at "latest" only). */
  const view = <T>(url: string, functionName: string, args: readonly unknown[]) =>
    createPublicClient({ transport: http(url) }).readContract({
      address: ATTRIBUTION_ADDRESS,
      abi: attributionAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;
  const nonce = (who: Hex) => rpc<Hex>(devnet.url(0), 'eth_getTransactionCount', [who, 'pending']);

  // A bound, not a time check: registration commits and reveals (three blocks each), and on a
  // loaded machine the four validators share two cores (317 s at a load average of 20-25).
  it('re-attributes bad records on challenge, pays the challenger from the bond, and settles exactly on every node', async () => {
    const rpcFlag = (i: number) => ['--rpc', devnet.url(i)];
    const texts = { alice: text(11, 1_500), carol: text(33, 1_500) };
    // Bob's file holds a later copy of most of Alice's text inside text of his own.
    const files = { ...texts, bob: `${text(22, 400)}${texts.alice.slice(100, 900)}${text(44, 300)}` };
    const folder = (name: string, holds: (keyof typeof files)[]) => {
      const path = join(dir, name);
      mkdirSync(path);
      for (const f of holds) writeFileSync(join(path, `${f}.txt`), files[f]);
      return path;
    };
    const full = folder('full', ['alice', 'bob', 'carol']);
    const copyOnly = folder('copy-only', ['bob']);
    const aliceOnly = folder('alice-only', ['alice']);

    // A Datanet; Alice registers first (the original), then Bob and Carol.
    const { datanetId } = await run<{ datanetId: string }>(
      'datanet',
      'create',
      '--name',
      'e2e challenged',
      '--private-key',
      owner.privateKey,
      ...rpcFlag(0),
    );
    const register = (name: keyof typeof files, account: Account, node: number) =>
      contribute(datanetId, join(full, `${name}.txt`), account.privateKey, devnet.url(node));
    // Each reveals three blocks after its commitment: blocks keep coming meanwhile.
    const [aliceId, bobId, carolId] = await withBlocks(devnet.url(0), filler.privateKey, async () => {
      const first = await register('alice', alice, 1);
      return [first, ...(await Promise.all([register('bob', bob, 2), register('carol', carol, 3)]))];
    });
    expect(aliceId).toBeLessThan(bobId!);

    const modelId = await modelWithOperator(
      'e2e challenged model',
      datanetId,
      owner.privateKey,
      operator.address,
      devnet.url(0),
    );
    const bonded = await run<{ status: string }>(
      'attribution-bond',
      'post',
      modelId,
      '--amount',
      BOND.toString(),
      '--private-key',
      operator.privateKey,
      ...rpcFlag(1),
    );
    expect(bonded.status).toBe('success');

    /** The operator records `output` with only the files in `data`; returns the record's summary. */
    const record = async (name: string, output: string, data: string) => {
      writeFileSync(join(dir, name), output);
      return run<{
        inferenceId: string;
        status: string;
        spans: { contributionId: string; attributedBytes: number }[];
        payouts: { role: string }[];
      }>(
        'attribute',
        '--model',
        modelId,
        '--output',
        join(dir, name),
        '--data',
        data,
        '--private-key',
        operator.privateKey,
        ...rpcFlag(2),
      );
    };
    const challengeArgs = ['--data', full, '--private-key', watcher.privateKey];

    // 1. Alice's quote is in Bob's later copy too, which is all the operator indexes; Carol's quote
    //    is left unattributed. '|' and capitals occur in no file, so each quote is one maximal match.
    const quoteA = texts.alice.slice(200, 350);
    const quoteC = texts.carol.slice(900, 990);
    const output1 = `ANSWER|${quoteA}|AND ALSO|${quoteC}|END`;
    const recorded1 = await record('out1.txt', output1, copyOnly);
    expect(recorded1.status).toBe('success');
    expect(recorded1.spans.map((s) => [BigInt(s.contributionId), s.attributedBytes])).toEqual([
      [bobId, quoteA.length],
    ]);
    // The contributors' pool waits in escrow: nobody is paid as a contributor yet.
    expect(recorded1.payouts.map((p) => p.role)).not.toContain('contributor');
    const id1 = BigInt(recorded1.inferenceId);

    const challenged = json<ChallengeResult>(
      (await cli('challenge', '--inference', id1.toString(), ...challengeArgs, ...rpcFlag(3))).stdout,
    );
    const moved1 = quoteA.length + quoteC.length;
    const reward1 = REWARD_PER_BYTE * BigInt(moved1);
    expect(challenged).toMatchObject({
      inferenceId: id1.toString(),
      challenged: true,
      status: 'success',
      bytesMoved: moved1,
      reward: reward1.toString(),
    });
    const segments1 = [
      { outputStart: 7, length: quoteA.length, contributionId: aliceId },
      { outputStart: 7 + quoteA.length + 10, length: quoteC.length, contributionId: carolId },
    ];
    const afterChallenge = await onEveryNode(urls(), challenged.blockNumber!, async (url) => {
      const receipt = (await rpc<Receipt>(url, 'eth_getTransactionReceipt', [challenged.txHash]))!;
      const block = challenged.blockNumber!;
      return {
        status: receipt.status,
        logs: receipt.logs,
        watcherGain:
          (await deltaAt(url, watcher.address, block)) +
          BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice),
        escrow: await view<Escrow>(url, 'getEscrow', [id1]),
        bond: (await view<{ amount: bigint }>(url, 'attributionBond', [BigInt(modelId), operator.address]))
          .amount,
      };
    });
    for (const node of afterChallenge) {
      expect(node.status).toBe('0x1');
      expect(node.logs).toEqual(afterChallenge[0]!.logs);
      // Re-attributed: Alice's bytes from Bob's copy to the original, Carol's from nobody to her.
      expect(node.escrow).toMatchObject({
        segments: segments1,
        challenges: 1,
        slashed: reward1,
        settled: false,
      });
      expect(node.watcherGain).toBe(reward1);
      expect(node.bond).toBe(BOND - reward1);
    }

    // The corrected record: nothing better to prove, nothing sent, exit status 0.
    const before = await nonce(watcher.address);
    const again = json<ChallengeResult>(
      (await cli('challenge', '--inference', id1.toString(), ...challengeArgs, ...rpcFlag(0))).stdout,
    );
    expect(again).toEqual({
      inferenceId: id1.toString(),
      challenged: false,
      reason: 'the recorded attribution is as good as ours',
    });
    expect(await nonce(watcher.address)).toBe(before);

    // 2. A watcher following new inferences: the operator omits Carol's quote; the watcher proves
    //    it, prints one JSON line, and is stopped.
    const quoteA2 = texts.alice.slice(500, 620);
    const quoteC2 = texts.carol.slice(100, 164);
    const output2 = `QUESTION|${quoteA2}|THEN|${quoteC2}|DONE`;
    const follower = cliProcess(
      'challenge',
      '--follow',
      '--from',
      (id1 + 1n).toString(),
      '--interval',
      '0.3',
      ...challengeArgs,
      ...rpcFlag(1),
    );
    const exited = new Promise<number | null>((resolve) => follower.once('exit', resolve));
    const lines: ChallengeResult[] = [];
    createInterface({ input: follower.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
    let followed: ChallengeResult;
    try {
      const recorded2 = await record('out2.txt', output2, aliceOnly);
      expect(recorded2.spans.map((s) => BigInt(s.contributionId))).toEqual([aliceId]);
      expect(BigInt(recorded2.inferenceId)).toBe(id1 + 1n);
      await waitFor('the follower to handle inference 2', async () => lines.length > 0, 120_000);
      follower.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(lines).toHaveLength(1);
      followed = lines[0]!;
    } finally {
      follower.kill('SIGKILL');
    }
    const id2 = id1 + 1n;
    const reward2 = REWARD_PER_BYTE * BigInt(quoteC2.length);
    expect(followed).toMatchObject({
      inferenceId: id2.toString(),
      challenged: true,
      status: 'success',
      bytesMoved: quoteC2.length,
      reward: reward2.toString(),
    });

    // 3. After the second window, anyone settles both pools.
    const windowEnd2 = (await view<Escrow>(devnet.url(0), 'getEscrow', [id2])).windowEnd;
    await fillBlocks(devnet.url(0), filler.privateKey, Number(windowEnd2));
    const settled = await run<{ inferenceId: string; status: string; blockNumber: number }[]>(
      'settle',
      id1.toString(),
      id2.toString(),
      '--private-key',
      watcher.privateKey,
      ...rpcFlag(2),
    );
    expect(settled.map((s) => [s.inferenceId, s.status])).toEqual([
      [id1.toString(), 'success'],
      [id2.toString(), 'success'],
    ]);
    const first = Math.min(...settled.map((s) => s.blockNumber));
    const last = Math.max(...settled.map((s) => s.blockNumber));

    // What each contributor is owed, from the split, the coverage and the canonical bytes alone.
    const [, pool] = expectedShares(FEE, SPLIT) as [bigint, bigint, bigint, bigint];
    const owed = (output: string, aliceBytes: number, carolBytes: number) =>
      expectedShares((pool * BigInt(aliceBytes + carolBytes)) / BigInt(output.length), [
        BigInt(aliceBytes),
        BigInt(carolBytes),
      ]) as [bigint, bigint];
    const [toAlice1, toCarol1] = owed(output1, quoteA.length, quoteC.length);
    const [toAlice2, toCarol2] = owed(output2, quoteA2.length, quoteC2.length);

    const seen = await onEveryNode(urls(), last, async (url) => {
      const gained = async (who: Hex) =>
        (await balanceAt(url, who, last)) - (await balanceAt(url, who, first - 1));
      const paid = async (id: bigint) =>
        (
          await rpc<Receipt['logs']>(url, 'eth_getLogs', [
            {
              address: ATTRIBUTION_ADDRESS,
              fromBlock: '0x1',
              toBlock: `0x${last.toString(16)}`,
              topics: [REWARD_PAID, topicOf(id)],
            },
          ])
        ).map(
          (l) =>
            decodeEventLog({
              abi: attributionAbi,
              eventName: 'RewardPaid',
              data: l.data,
              topics: l.topics as [Hex],
            }).args as RewardPaid,
        );
      return {
        contributors: [await gained(alice.address), await gained(bob.address), await gained(carol.address)],
        paid: [await paid(id1), await paid(id2)],
        escrows: [await view<Escrow>(url, 'getEscrow', [id1]), await view<Escrow>(url, 'getEscrow', [id2])],
        moduleBalance: await balanceAt(url, ATTRIBUTION_ADDRESS, last),
        bond: (await view<{ amount: bigint }>(url, 'attributionBond', [BigInt(modelId), operator.address]))
          .amount,
      };
    });
    const expected = [
      { id: id1, toAlice: toAlice1, toCarol: toCarol1 },
      { id: id2, toAlice: toAlice2, toCarol: toCarol2 },
    ];
    for (const node of seen) {
      expect(node.contributors).toEqual([toAlice1 + toAlice2, 0n, toCarol1 + toCarol2]);
      for (const [i, e] of expected.entries()) {
        // Every wei of the fee is paid: owner, validators and treasury at the record, contributors
        // and the uncovered part (treasury) at settlement.
        expect(node.paid[i]!.reduce((sum, p) => sum + p.amount, 0n)).toBe(FEE);
        expect(
          node.paid[i]!.filter((p) => p.role === CONTRIBUTOR_ROLE).map((p) => [
            p.refId,
            p.recipient.toLowerCase(),
            p.amount,
          ]),
        ).toEqual([
          [aliceId, alice.address, e.toAlice],
          [carolId, carol.address, e.toCarol],
        ]);
        const escrow = node.escrows[i]!;
        expect(escrow.settled).toBe(true);
        expect(escrow.pool).toBe(pool);
        expect(escrow.payouts.reduce((sum, p) => sum + p.amount, 0n)).toBe(pool);
      }
      // The escrow is empty: all the module account still holds is what is left of the bond.
      expect(node.bond).toBe(BOND - reward1 - reward2);
      expect(node.moduleBalance).toBe(node.bond);
    }
  }, 900_000);
});

// Proof of Attribution end to end, on a devnet of four validator processes, driven by the real CLI
// as a user would: a Datanet owner creates a Datanet, three contributors register a text file each,
// a model owner registers a model and authorizes an operator, who runs the prover on an output
// quoting two of the files and submits the record. Every node must then agree, to the wei, that
// those two contributors were paid their share of the fee by coverage and attributed bytes
// (computed here independently), that the third got nothing, and that the logs are there. A record whose proof has one byte flipped in a
// chunk must fail on every validator with the same reason, changing nothing but the fee.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createWalletClient,
  decodeEventLog,
  decodeFunctionData,
  encodeFunctionData,
  getAbiItem,
  type Hex,
  http,
  toEventSelector,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_CHAIN_ID } from '../../genesis/defaults.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { viemChainFor } from '../helpers/node.ts';
import {
  contribute,
  deltaAt,
  expectedShares,
  FEE,
  json,
  modelWithOperator,
  onEveryNode as onEvery,
  type Receipt,
  SPLIT,
  startAttributionDevnet,
  text,
  topicOf,
} from './attributionFixtures.ts';
import { cli, cliFails, rpc } from './cli.ts';
import { type TestDevnet, waitFor } from './devnet.ts';

type Account = ReturnType<typeof devAccounts>[number];
// Funded in the devnet's genesis.
const [owner, alice, bob, carol, operator] = devAccounts(5) as [Account, Account, Account, Account, Account];
const REWARD_PAID = toEventSelector(getAbiItem({ abi: attributionAbi, name: 'RewardPaid' }));

describe('Proof of Attribution on a four-validator devnet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-attribution-e2e-'));
  const data = join(dir, 'data');
  let devnet: TestDevnet;
  const urls = () => [0, 1, 2, 3].map((i) => devnet.url(i));
  /** The model the first test registers; the later tests use it. */
  let model: { modelId: string };

  beforeAll(async () => {
    // Records settle in their own transaction here (attributionChallenge.test.ts covers the escrow).
    devnet = await startAttributionDevnet({ challengeWindowBlocks: 0, minAttributionBond: '0' });
  });

  afterAll(async () => {
    await devnet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const onEveryNode = <T>(block: number, read: (url: string) => Promise<T>) => onEvery(urls(), block, read);

  const earnings = async (url: string, who: Hex) =>
    BigInt(
      await rpc<Hex>(url, 'eth_call', [
        {
          to: ATTRIBUTION_ADDRESS,
          data: encodeFunctionData({ abi: attributionAbi, functionName: 'contributorEarnings', args: [who] }),
        },
        'latest',
      ]),
    );

  // A bound, not a time check: registration now commits and reveals (three blocks each) before the
  // model, and on a loaded machine the four validators share two cores.
  it('pays the quoted contributors exactly, on every node, and every validator rejects a tampered proof', async () => {
    const rpcFlag = (i: number) => ['--rpc', devnet.url(i)];
    const files = { alice: text(11, 1_500), bob: text(22, 1_500), carol: text(33, 1_500) };
    // Each contributor's file, and the operator's copies of all three in its own directory.
    mkdirSync(data);
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, `${name}.txt`), content);
      writeFileSync(join(data, `${name}.txt`), content);
    }

    // A Datanet, three contributions from three accounts (in parallel, through different nodes).
    const created = json<{ datanetId: string; status: string }>(
      (
        await cli(
          'datanet',
          'create',
          '--name',
          'e2e papers',
          '--license',
          'CC-BY-4.0',
          '--private-key',
          owner.privateKey,
          ...rpcFlag(0),
        )
      ).stdout,
    );
    expect(created.status).toBe('success');
    const datanetId = created.datanetId;
    const contributors = [
      ['alice', alice],
      ['bob', bob],
      ['carol', carol],
    ] as const;
    const contributed = await Promise.all(
      contributors.map(([name, account], i) =>
        contribute(datanetId, join(dir, `${name}.txt`), account.privateKey, devnet.url(i + 1)),
      ),
    );
    const [aliceId, bobId, carolId] = contributed as [bigint, bigint, bigint];
    expect(new Set(contributed).size).toBe(3);

    // The owner registers a model and authorizes the operator to record its inferences.
    model = {
      modelId: await modelWithOperator(
        'e2e model',
        datanetId,
        owner.privateKey,
        operator.address,
        devnet.url(0),
      ),
    };

    // An output quoting Alice's and Carol's files; '|' and capitals occur in no file, so each quote
    // is exactly one maximal match.
    const quoteA = files.alice.slice(200, 350);
    const quoteC = files.carol.slice(900, 990);
    const output = `ANSWER|${quoteA}|AND ALSO|${quoteC}|END`;
    writeFileSync(join(dir, 'out.txt'), output);
    const attributed = json<{
      inferenceId: string;
      status: string;
      attributedBytes: number;
      spans: { contributionId: string; attributedBytes: number }[];
      txHash: Hex;
      blockNumber: number;
    }>(
      (
        await cli(
          'attribute',
          '--model',
          model.modelId,
          '--output',
          join(dir, 'out.txt'),
          '--data',
          data,
          '--private-key',
          operator.privateKey,
          ...rpcFlag(2),
        )
      ).stdout,
    );
    expect(attributed.status).toBe('success');
    expect(attributed.spans.map((s) => [BigInt(s.contributionId), s.attributedBytes])).toEqual([
      [aliceId, quoteA.length],
      [carolId, quoteC.length],
    ]);

    // What each party is owed, from the split, the coverage and the attributed bytes alone.
    const [, pool] = expectedShares(FEE, SPLIT) as [bigint, bigint, bigint, bigint];
    const contributorsShare = (pool * BigInt(quoteA.length + quoteC.length)) / BigInt(output.length);
    const [toAlice, toCarol] = expectedShares(contributorsShare, [
      BigInt(quoteA.length),
      BigInt(quoteC.length),
    ]) as [bigint, bigint];
    expect(toAlice + toCarol).toBe(contributorsShare);
    const block = attributed.blockNumber;
    const inferenceId = BigInt(attributed.inferenceId);

    const seen = await onEveryNode(block, async (url) => {
      const receipt = (await rpc<Receipt>(url, 'eth_getTransactionReceipt', [attributed.txHash]))!;
      const delta = (who: Hex) => deltaAt(url, who, block);
      // RewardPaid logs of this inference, by address and topic filters.
      const paid = await rpc<Receipt['logs']>(url, 'eth_getLogs', [
        {
          address: ATTRIBUTION_ADDRESS,
          fromBlock: `0x${block.toString(16)}`,
          toBlock: `0x${block.toString(16)}`,
          topics: [REWARD_PAID, topicOf(inferenceId)],
        },
      ]);
      const toBob = await rpc<Receipt['logs']>(url, 'eth_getLogs', [
        {
          address: ATTRIBUTION_ADDRESS,
          fromBlock: '0x1',
          toBlock: 'latest',
          // RewardPaid only: bob's own ContributionCommitted names him (as sender) in topic 2 too.
          topics: [REWARD_PAID, null, topicOf(bob.address)],
        },
      ]);
      return {
        status: receipt.status,
        logs: receipt.logs,
        paid,
        toBob,
        deltas: [await delta(alice.address), await delta(bob.address), await delta(carol.address)],
        earnings: [
          await earnings(url, alice.address),
          await earnings(url, bob.address),
          await earnings(url, carol.address),
        ],
      };
    });
    for (const node of seen) {
      expect(node.status).toBe('0x1');
      expect(node.deltas).toEqual([toAlice, 0n, toCarol]);
      expect(node.earnings).toEqual([toAlice, 0n, toCarol]);
      expect(node.logs).toEqual(seen[0]!.logs);
      expect(node.toBob).toEqual([]);

      const decoded = node.logs.map((l) =>
        decodeEventLog({ abi: attributionAbi, data: l.data, topics: l.topics as [Hex] }),
      );
      const record = decoded.find((e) => e.eventName === 'InferenceAttributed')!;
      expect(record.args).toMatchObject({
        inferenceId,
        modelId: BigInt(model.modelId),
        fee: FEE,
        attributedBytes: quoteA.length + quoteC.length,
        outputBytes: output.length,
      });
      const rewards = node.paid.map((l) =>
        decodeEventLog({ abi: attributionAbi, data: l.data, topics: l.topics as [Hex] }),
      );
      expect(rewards.every((e) => e.eventName === 'RewardPaid')).toBe(true);
      const amounts = rewards.map((e) => (e.args as { amount: bigint }).amount);
      expect(amounts.reduce((a, b) => a + b, 0n)).toBe(FEE);
      const toContributors = rewards
        .map((e) => e.args as { role: number; refId: bigint; recipient: Hex; amount: bigint })
        .filter((a) => a.role === 2)
        .map((a) => [a.refId, a.recipient.toLowerCase(), a.amount]);
      // In ascending contribution id (the contributions were registered concurrently).
      expect(toContributors).toEqual(
        [
          [aliceId, alice.address, toAlice],
          [carolId, carol.address, toCarol],
        ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      );
      expect(toContributors.some(([id]) => id === bobId)).toBe(false);
    }

    // The same record with one byte of one chunk flipped: a proof that no longer hashes to the root.
    const dry = json<{ calldata: Hex; value: string }>(
      (
        await cli(
          'attribute',
          '--model',
          model.modelId,
          '--output',
          join(dir, 'out.txt'),
          '--data',
          data,
          '--dry-run',
          ...rpcFlag(3),
        )
      ).stdout,
    );
    const call = decodeFunctionData({ abi: attributionAbi, data: dry.calldata });
    const [modelId, out, spans] = call.args as unknown as [bigint, Hex, { chunks: Hex[] }[]];
    const chunk = spans[0]!.chunks[0]!;
    const at = 2 + 2 * 5;
    const flipped =
      `${chunk.slice(0, at)}${(Number.parseInt(chunk.slice(at, at + 2), 16) ^ 0x01).toString(16).padStart(2, '0')}${chunk.slice(at + 2)}` as Hex;
    spans[0]!.chunks[0] = flipped;
    const tampered = encodeFunctionData({
      abi: attributionAbi,
      functionName: 'recordInference',
      args: [modelId, out, spans as never],
    });
    expect(tampered).not.toBe(dry.calldata);
    const wallet = createWalletClient({
      chain: viemChainFor(DEV_CHAIN_ID, devnet.url(1)),
      transport: http(devnet.url(1)),
      account: privateKeyToAccount(operator.privateKey),
    });
    const hash = await wallet.sendTransaction({
      to: ATTRIBUTION_ADDRESS,
      data: tampered,
      value: BigInt(dry.value),
      gas: 3_000_000n,
    });
    let failedBlock = 0;
    await waitFor('the tampered record to be mined', async () => {
      const r = await rpc<Receipt | null>(devnet.url(0), 'eth_getTransactionReceipt', [hash]);
      if (r) failedBlock = Number(r.blockNumber);
      return r !== null;
    });
    const rejected = await onEveryNode(failedBlock, async (url) => {
      const r = (await rpc<Receipt>(url, 'eth_getTransactionReceipt', [hash]))!;
      const delta = (who: Hex) => deltaAt(url, who, failedBlock);
      return {
        status: r.status,
        reason: r.failureReason,
        logs: r.logs,
        fee: BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice),
        operator: await delta(operator.address),
        contributors: [await delta(alice.address), await delta(bob.address), await delta(carol.address)],
        earnings: [await earnings(url, alice.address), await earnings(url, carol.address)],
      };
    });
    for (const node of rejected) {
      expect(node.status).toBe('0x0');
      expect(node.reason).toMatch(
        /span 0: chunk \d+ and its Merkle path do not hash to contribution \d+'s registered root/,
      );
      expect(node.reason).toBe(rejected[0]!.reason);
      expect(node.logs).toEqual([]);
      // The value sent is returned; only the gas is paid.
      expect(node.operator).toBe(-node.fee);
      expect(node.contributors).toEqual([0n, 0n, 0n]);
      expect(node.earnings).toEqual([toAlice, toCarol]);
    }
  }, 420_000);

  it('refuses to send a record that attributes nothing unless --allow-empty is given', async () => {
    expect(model, 'the first test registered the model').toBeDefined();
    // An output none of whose bytes the data directory attributes would pay the whole fee for
    // nothing: the CLI refuses to send it unless asked, and sends nothing.
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const nonce = async () =>
      rpc<Hex>(devnet.url(0), 'eth_getTransactionCount', [operator.address, 'pending']);
    const before = await nonce();
    const refused = await cliFails(
      'attribute',
      '--model',
      model.modelId,
      '--output',
      join(dir, 'out.txt'),
      '--data',
      empty,
      '--private-key',
      operator.privateKey,
      '--rpc',
      devnet.url(0),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is attributed to an accepted contribution');
    expect(refused.stderr).toContain('--allow-empty');
    expect(await nonce()).toBe(before);

    // Asked for, it is recorded with a warning; the contributors' share goes to the treasury.
    const { stdout, stderr } = await cli(
      'attribute',
      '--model',
      model.modelId,
      '--output',
      join(dir, 'out.txt'),
      '--data',
      empty,
      '--allow-empty',
      '--private-key',
      operator.privateKey,
      '--rpc',
      devnet.url(0),
    );
    expect(stderr).toContain('warning: no byte of');
    const recorded = json<{ status: string; attributedBytes: number; payouts: { role: string }[] }>(stdout);
    expect(recorded.status).toBe('success');
    expect(recorded.attributedBytes).toBe(0);
    expect(recorded.payouts.map((p) => p.role)).not.toContain('contributor');
    expect(recorded.payouts.map((p) => p.role)).toContain('treasury');
  });
});

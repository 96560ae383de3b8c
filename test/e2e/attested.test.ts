// Attested scores end to end, on a devnet of four validator processes whose attestors run in the
// nodes themselves (node/attestation/attestor.ts): each node's operator account commits, reveals
// and settles on its own. Three validators score with the built-in n-gram scorer; the fourth runs
// a command scorer that claims 10,000 for every candidate. The consensus must be the honest
// scores, the outlier must earn less than an honest validator, and every node must pay the
// contributors the same. Then one honest validator's scorer is down (a command that exits 1): it
// commits nothing for the next record, which still settles, and it earns nothing from it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPublicClient,
  encodeFunctionData,
  getAbiItem,
  type Hex,
  http,
  toEventSelector,
  toHex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendModuleCalls } from '../../client/send.ts';
import { ngramScores } from '../../node/attestation/ngram.ts';
import type { AttestationView, AttestedView } from '../../node/attestCli.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import {
  balanceAt,
  contribute,
  expectedShares,
  FEE,
  onEveryNode,
  cliJson as run,
  SPLIT,
  text,
  topicOf,
} from './attributionFixtures.ts';
import { rpc } from './cli.ts';
import { editConfig, startDevnet, type TestDevnet, waitFor, waitForHeight } from './devnet.ts';

type Account = ReturnType<typeof devAccounts>[number];
const [owner, alice, bob, carol] = devAccounts(4) as [Account, Account, Account, Account];
/**
 * Blocks of the attestation window: each half (20 blocks of 300 ms) leaves a scorer process time
 * to start and answer on a loaded machine; the genesis default (20) is for live devnets.
 */
const WINDOW = 40;
const OUTLIER = 3;
const DOWN = 1;
const SETTLED = toEventSelector(getAbiItem({ abi: attributionAbi, name: 'AttestedInferenceSettled' }));
const RECORDED = toEventSelector(getAbiItem({ abi: attributionAbi, name: 'AttestedInferenceRecorded' }));

describe('attested scores on a four-validator devnet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-attested-e2e-'));
  const mirror = join(dir, 'mirror');
  let devnet: TestDevnet;
  const urls = () => [0, 1, 2, 3].map((i) => devnet.url(i));
  const texts = { alice: text(11, 1_500), bob: text(22, 1_500), carol: text(33, 1_500) };

  const view = <T>(url: string, functionName: string, args: readonly unknown[]) =>
    createPublicClient({ transport: http(url) }).readContract({
      address: ATTRIBUTION_ADDRESS,
      abi: attributionAbi,
      functionName: functionName as never,
      args: args as never,
    }) as Promise<T>;

  beforeAll(async () => {
    mkdirSync(mirror);
    for (const [name, body] of Object.entries(texts)) writeFileSync(join(mirror, `${name}.txt`), body);
    // Claims the maximum for every candidate it is sent.
    const outlier = join(dir, 'outlier.mjs');
    writeFileSync(
      outlier,
      `let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
        const { candidates } = JSON.parse(s);
        process.stdout.write(JSON.stringify({ scores: candidates.map(() => 10000) }));
      });\n`,
    );
    devnet = await startDevnet({
      validators: 4,
      blockIntervalMs: 300,
      genesis: (g) => {
        Object.assign((g.params as { attribution: Record<string, unknown> }).attribution, {
          attestationWindowBlocks: WINDOW,
        });
      },
      // Every attestor finds the contributions in the same mirror; one scores as an outlier.
      config: (i, c) => ({
        ...c,
        attestation: {
          ...c.attestation,
          mirrors: { '*': mirror },
          ...(i === OUTLIER ? { scorer: { command: [process.execPath, outlier] } } : {}),
        },
      }),
    });
    await waitForHeight(urls(), 1, 'every node to commit a block');
  });

  afterAll(async () => {
    await devnet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The owner records `output` with these candidates; resolves with the record's id and height. */
  const record = async (output: string, candidates: readonly bigint[], modelId: bigint) => {
    const client = createPublicClient({ transport: http(devnet.url(0)) });
    const data = encodeFunctionData({
      abi: attributionAbi,
      functionName: 'recordAttestedInference',
      args: [modelId, toHex(output), [...candidates], candidates.map(() => 5_000)],
    });
    const [receipt] = await sendModuleCalls(
      client,
      privateKeyToAccount(owner.privateKey),
      [{ to: ATTRIBUTION_ADDRESS, data, value: FEE }],
      { timeoutMs: 60_000 },
    );
    expect(receipt!.status).toBe('success');
    const log = receipt!.logs.find((l) => l.topics[0] === RECORDED)!;
    return { id: BigInt(log.topics[1]!), height: Number(receipt!.blockNumber) };
  };

  /** Waits for the record to settle (the attestors settle it themselves); resolves with the block. */
  const settlement = async (id: bigint, from: number) => {
    let block = 0;
    await waitFor(
      `inference ${id} to be settled by the attestors`,
      async () => {
        const logs = await rpc<{ blockNumber: Hex }[]>(devnet.url(0), 'eth_getLogs', [
          { address: ATTRIBUTION_ADDRESS, fromBlock: toHex(from), topics: [SETTLED, topicOf(id)] },
        ]);
        block = logs[0] ? Number(logs[0].blockNumber) : 0;
        return block > 0;
      },
      // Two windows of blocks, and a margin for a loaded machine.
      240_000,
    );
    return block;
  };

  const operatorOf = (i: number) => devnet.manifest.nodes[i]!.operator.address.toLowerCase();

  it('settles on the honest majority, pays the outlier less, and skips a validator whose scorer is down', async () => {
    const { datanetId } = await run<{ datanetId: string }>(
      'datanet',
      'create',
      '--name',
      'e2e attested',
      '--private-key',
      owner.privateKey,
      '--rpc',
      devnet.url(0),
    );
    const ids = {
      alice: await contribute(datanetId, join(mirror, 'alice.txt'), alice.privateKey, devnet.url(1)),
      bob: await contribute(datanetId, join(mirror, 'bob.txt'), bob.privateKey, devnet.url(2)),
      carol: await contribute(datanetId, join(mirror, 'carol.txt'), carol.privateKey, devnet.url(3)),
    };
    const { modelId } = await run<{ modelId: string }>(
      'model',
      'register',
      '--name',
      'e2e attested model',
      '--datanets',
      datanetId,
      '--fee-per-inference',
      FEE.toString(),
      '--split',
      SPLIT.join(','),
      '--private-key',
      owner.privateKey,
      '--rpc',
      devnet.url(0),
    );
    // Recording needs the recorder's attribution bond, the owner's too (genesis minimum: 10 OPEN).
    const bonded = await run<{ status: string }>(
      'attribution-bond',
      'post',
      modelId,
      '--amount',
      (10n * 10n ** 18n).toString(),
      '--private-key',
      owner.privateKey,
      '--rpc',
      devnet.url(0),
    );
    expect(bonded.status).toBe('success');
    const candidates = [ids.alice, ids.bob, ids.carol];
    const contents = [texts.alice, texts.bob, texts.carol].map((t) => new TextEncoder().encode(t));
    const contributors = [alice.address, bob.address, carol.address] as Hex[];

    // 1. Mostly Alice, some Bob, nothing of Carol.
    const output1 = `${texts.alice.slice(100, 700)} ${texts.bob.slice(200, 400)}`;
    const honest1 = ngramScores(new TextEncoder().encode(output1), contents);
    expect(honest1[0]).toBeGreaterThan(honest1[1]!);
    expect(honest1[1]).toBeGreaterThan(honest1[2]!);
    const first = await record(output1, candidates, BigInt(modelId));
    const settled1 = await settlement(first.id, first.height);

    const r1 = await view<AttestedView>(devnet.url(0), 'getAttestedInference', [first.id]);
    expect(r1.settled).toBe(true);
    expect(r1.quorumReached).toBe(true);
    expect(r1.revealedPower).toBe(r1.totalPower);
    expect([...r1.consensusScores]).toEqual(honest1);
    const a1 = await view<AttestationView[]>(devnet.url(0), 'getAttestations', [first.id]);
    const byNode1 = [0, 1, 2, 3].map((i) => a1.find((a) => a.validator.toLowerCase() === operatorOf(i))!);
    for (const [i, a] of byNode1.entries()) {
      expect(a.revealed, `node${i} revealed`).toBe(true);
      expect([...a.scores]).toEqual(i === OUTLIER ? [10_000, 10_000, 10_000] : honest1);
      expect([...a.clippedScores]).toEqual(honest1);
    }
    const honestReward = byNode1[0]!.reward;
    expect(honestReward).toBeGreaterThan(0n);
    expect(byNode1[OUTLIER]!.reward).toBeLessThan(honestReward);
    expect(a1.reduce((sum, a) => sum + a.reward, 0n)).toBe(r1.validatorsPool);

    // The contributors' pool split by the consensus scores, to the wei, on every node.
    const shares = expectedShares(r1.pool, honest1.map(BigInt));
    for (const [c, who] of contributors.entries()) {
      const deltas = await onEveryNode(urls(), settled1, async (url) => {
        return (await balanceAt(url, who, settled1)) - (await balanceAt(url, who, settled1 - 1));
      });
      expect(deltas, `contributor ${c}`).toEqual([shares[c], shares[c], shares[c], shares[c]]);
    }

    // 2. Node 1's scorer is down from now on: it exits 1 for every record.
    await devnet.stop(DOWN);
    editConfig(devnet.manifest.nodes[DOWN]!.home, (c) => ({
      ...c,
      attestation: { ...c.attestation, scorer: { command: [process.execPath, '-e', 'process.exit(1)'] } },
    }));
    await devnet.start(DOWN);
    const output2 = `${texts.carol.slice(0, 500)} ${texts.bob.slice(900, 1_000)}`;
    const honest2 = ngramScores(new TextEncoder().encode(output2), contents);
    const second = await record(output2, candidates, BigInt(modelId));
    const settled2 = await settlement(second.id, second.height);

    const r2 = await view<AttestedView>(devnet.url(0), 'getAttestedInference', [second.id]);
    expect(r2.quorumReached).toBe(true);
    expect(r2.revealedPower).toBe((r2.totalPower * 3n) / 4n);
    // Two honest scorers and the outlier: the lower median is the honest score.
    expect([...r2.consensusScores]).toEqual(honest2);
    const a2 = await view<AttestationView[]>(devnet.url(0), 'getAttestations', [second.id]);
    const down = a2.find((a) => a.validator.toLowerCase() === operatorOf(DOWN))!;
    expect(down).toMatchObject({ committed: false, revealed: false, reward: 0n });
    expect(await view<number>(devnet.url(0), 'missedAttestations', [operatorOf(DOWN)])).toBe(1);
    expect(a2.reduce((sum, a) => sum + a.reward, 0n)).toBe(r2.validatorsPool);
    const balances = await onEveryNode(urls(), settled2, (url) =>
      Promise.all(contributors.map((who) => balanceAt(url, who, settled2))),
    );
    for (const b of balances) expect(b).toEqual(balances[0]);
  });
});

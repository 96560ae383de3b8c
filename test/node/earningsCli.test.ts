// `openchain earnings` (the CLI's program in-process) against a real node: a Datanet owner who also
// owns a base model, a contributor, an adapter owner who records an inference, the treasury and the
// validators' share. What the command prints per role must equal, address by address, the sum of
// the RewardPaid logs of the chain, and those must sum to the fee charged; staking income must
// grow by exactly what a withdrawal reports.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAbiItem } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributionContract } from '../../client/index.ts';
import { DEFAULT_PARAMS } from '../../genesis/defaults.ts';
import { ROLE_NAMES } from '../../node/attributionCli.ts';
import { devAccounts } from '../../node/devAccounts.ts';
import { ATTRIBUTION_ADDRESS, attributionAbi } from '../../state/modules/attribution/abi.ts';
import { AdapterMode } from '../../state/modules/attribution/policies.ts';
import { STAKING_ADDRESS } from '../../state/modules/staking/index.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { runProgram } from '../helpers/program.ts';

/** The payout roles in their ABI order (Payout.role). */
const ROLES = ROLE_NAMES;
/** An odd fee, so the split leaves remainders. */
const FEE = 1_000_000_000_000_000_007n;

interface Earnings {
  address: string;
  balance: string;
  attribution: Record<(typeof ROLES)[number] | 'total', string>;
  staking: { paidRewards: string; paidCommission: string; pendingRewards: string; pendingCommission: string };
}

describe('openchain earnings', () => {
  let t: TestNode;
  let dir: string;
  const key = (i: number) => t.accounts[i]!.privateKey;
  const who = (i: number) => t.accounts[i]!.address;

  const run = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => {
    const { stdout, error } = await runProgram([...args, '--rpc', t.url]);
    if (error) throw error;
    return JSON.parse(stdout) as T;
  };
  const earnings = (address: string) => run<Earnings>('earnings', address);

  beforeAll(async () => {
    t = await startTestNode({
      accounts: 4,
      treasury: devAccounts(4)[3]!.address,
      // Settled when recorded (no challenge window), and recorded without an attribution bond.
      params: {
        attribution: { ...DEFAULT_PARAMS.attribution, challengeWindowBlocks: 0, minAttributionBond: '0' },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'openchain-earnings-'));
  });

  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints every role of every recipient, equal to the RewardPaid logs, summing to the fee', async () => {
    // Account 0: the validator's operator, the Datanet's and the base model's owner; 1: a
    // contributor; 2: the adapter's owner, who records; 3: the treasury.
    const data = join(dir, 'data');
    const source = 'attribution pays the people whose words a model repeats, byte for byte. '.repeat(8);
    writeFileSync(join(dir, 'out.txt'), `an answer: ${source.slice(0, 200)} and more words of its own`);
    mkdirSync(data);
    writeFileSync(join(data, 'a.txt'), source);
    await run('datanet', 'create', '--name', 'docs', '--private-key', key(0));
    await run('contribute', join(data, 'a.txt'), '--datanet', '1', '--private-key', key(1));
    await run(
      'model',
      'register',
      '--name',
      'base',
      '--datanets',
      '1',
      '--fee-per-inference',
      '1000000000',
      '--private-key',
      key(0),
    );
    // The base model's owner lets anyone build adapters on it (no CLI command for that: the client).
    const attribution = attributionContract({ public: t.publicClient(), wallet: t.walletClient(0) });
    const hash = await attribution.write.setAdapterPolicy([1n, AdapterMode.open, 0], {
      account: t.walletClient(0).account!,
      chain: t.viemChain,
    });
    expect((await t.publicClient().waitForTransactionReceipt({ hash })).status).toBe('success');
    await run(
      'model',
      'register',
      '--name',
      'lora',
      '--datanets',
      '1',
      '--base-model',
      '1',
      '--fee-per-inference',
      FEE.toString(),
      '--private-key',
      key(2),
    );
    const recorded = await run<{ inferenceId: string; fee: string; attributedBytes: number }>(
      'attribute',
      '--model',
      '2',
      '--output',
      join(dir, 'out.txt'),
      '--data',
      data,
      '--private-key',
      key(2),
    );
    expect(recorded).toMatchObject({ inferenceId: '1', fee: FEE.toString() });
    expect(recorded.attributedBytes).toBeGreaterThan(0);

    const logs = await t.publicClient().getLogs({
      address: ATTRIBUTION_ADDRESS,
      event: getAbiItem({ abi: attributionAbi, name: 'RewardPaid' }),
      fromBlock: 0n,
    });
    const fromLogs = new Map<string, bigint[]>();
    for (const { args } of logs) {
      const row = fromLogs.get(args.recipient!.toLowerCase()) ?? ROLES.map(() => 0n);
      row[args.role!]! += args.amount!;
      fromLogs.set(args.recipient!.toLowerCase(), row);
    }
    expect([...fromLogs.values()].flat().reduce((a, b) => a + b, 0n)).toBe(FEE);

    const recipients: string[] = [who(0), who(1), who(2), who(3), STAKING_ADDRESS];
    expect([...fromLogs.keys()].every((r) => recipients.includes(r))).toBe(true);
    let total = 0n;
    for (const r of recipients) {
      const printed = await earnings(r);
      const expected = fromLogs.get(r) ?? ROLES.map(() => 0n);
      expect(ROLES.map((role) => BigInt(printed.attribution[role]))).toEqual(expected);
      expect(BigInt(printed.attribution.total)).toBe(expected.reduce((a, b) => a + b, 0n));
      total += BigInt(printed.attribution.total);
    }
    expect(total).toBe(FEE);

    // Each role went to whom it should. The split is 50/30/10/10 (the two units the floors leave go
    // to the largest remainders: the validators' and the treasury's), and the adapter passes 20 % of
    // the whole fee, rounded down, to its base model out of the owner share.
    // One at a time: runProgram captures the process's stdout.
    const owner = await earnings(who(2));
    const base = await earnings(who(0));
    const contributor = await earnings(who(1));
    const stakers = await earnings(STAKING_ADDRESS);
    const treasury = await earnings(who(3));
    expect(BigInt(owner.attribution.modelOwner)).toBe(FEE / 2n - FEE / 5n);
    expect(BigInt(base.attribution.baseModelOwner)).toBe(FEE / 5n);
    expect(BigInt(stakers.attribution.validator)).toBe(FEE / 10n + 1n);
    expect(BigInt(treasury.attribution.treasury)).toBeGreaterThanOrEqual(FEE / 10n + 1n);
    expect(BigInt(contributor.attribution.contributor)).toBeGreaterThan(0n);
    expect(BigInt(base.balance)).toBe(
      await t.publicClient().getBalance({ address: who(0) as `0x${string}` }),
    );
  });

  it("adds a validator's withdrawn rewards and commission to what it was paid", async () => {
    const before = await earnings(who(0));
    expect(BigInt(before.staking.pendingRewards)).toBeGreaterThan(0n);
    const out = await run<{ withdrawals: { rewards: string; commission: string }[] }>(
      'stake',
      'withdraw-rewards',
      '--private-key',
      key(0),
    );
    const rewards = out.withdrawals.reduce((sum, w) => sum + BigInt(w.rewards), 0n);
    const commission = out.withdrawals.reduce((sum, w) => sum + BigInt(w.commission), 0n);
    expect(rewards).toBeGreaterThan(0n);
    const after = await earnings(who(0));
    expect(BigInt(after.staking.paidRewards)).toBe(BigInt(before.staking.paidRewards) + rewards);
    expect(BigInt(after.staking.paidCommission)).toBe(BigInt(before.staking.paidCommission) + commission);
  });

  it('refuses a missing or malformed address, and names a node it cannot reach', async () => {
    await expect(runProgram(['earnings', '--rpc', t.url])).resolves.toMatchObject({
      error: expect.objectContaining({ code: 'USAGE' }),
    });
    const bad = await runProgram(['earnings', '0x1234', '--rpc', t.url]);
    expect(bad.error?.message).toMatch(/address/i);
    // A port nothing listens on (taken, then freed): the error names the URL, not viem's internals.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const away = await runProgram(['earnings', who(0), '--rpc', `http://127.0.0.1:${port}`]);
    expect(away.error).toMatchObject({ code: 'RPC_UNREACHABLE' });
    expect(away.error?.message).toBe(
      `cannot reach the node's JSON-RPC at http://127.0.0.1:${port} (ECONNREFUSED); is a node running there? (--rpc URL)`,
    );
  });
});

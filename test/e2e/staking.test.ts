// Staking on a devnet of real processes (the CLI, libp2p on loopback, JSON-RPC): the validator set
// changes by transactions, and every node follows. In order, on one devnet of four validators with
// short staking windows: a fifth node syncs and its operator makes it a validator with `openchain
// stake create-validator`; its key run twice double-signs and it is slashed and tombstoned on every
// node; a stopped validator is jailed for downtime, restarted, unjailed and signs again; a validator
// undelegates its whole stake and leaves the set while the chain goes on; and a new full node
// syncs from height 1 across all of these set changes to the same head.
import { createPublicClient, encodeFunctionData, http } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devAccounts } from '../../node/devAccounts.ts';
import { DEVNET_DEFAULTS } from '../../node/devnet.ts';
import { STAKING_ADDRESS, stakingAbi } from '../../state/modules/staking/index.ts';
import { cli, cliFails, type NodeProcess, rpc, startNode } from './cli.ts';
import {
  advance,
  assertNoFork,
  evidenceAt,
  height,
  initJoiningHome,
  initTwinHome,
  startDevnet,
  type TestDevnet,
  waitFor,
  waitForEvidence,
  waitForHeight,
} from './devnet.ts';

/**
 * Short windows, so that each set change takes a few dozen blocks at most (docs/staking.md has the
 * meanings). A validator is jailed only after missing all 16 blocks of its window (it must sign
 * floor(16 x 10%) = 1): a commit holds only the precommits that made it, and on a loaded machine a
 * slow (but running) validator's often come too late, so only a stopped one may be jailed.
 */
const STAKING_PARAMS = {
  unbondingBlocks: 20,
  signedBlocksWindow: 16,
  minSignedPerWindowBps: 1000,
  downtimeJailBlocks: 20,
};
const EVIDENCE_MAX_AGE_BLOCKS = 20; // at most unbondingBlocks (genesis checks)

/** The devnet's funded accounts, then its validators' operators (node/devnet.ts). */
const ACCOUNTS = devAccounts(DEVNET_DEFAULTS.accounts + 4);
const operatorOf = (i: number) => ACCOUNTS[DEVNET_DEFAULTS.accounts + i]!;
/** A funded dev account that runs the fifth validator. */
const newOperator = ACCOUNTS[DEVNET_DEFAULTS.accounts - 1]!;

interface ValidatorJson {
  operator: string;
  consensusAddress: string;
  status: string;
  tokens: string;
  power: string;
  jailedUntil: string;
}

interface SetJson {
  height: string;
  validators: { address: string; operator: string; status: string | null; stake: string | null }[];
}

/** Runs `openchain stake ...` against `url` and parses its JSON. */
async function stake<T = Record<string, unknown>>(url: string, ...args: string[]): Promise<T> {
  const { stdout } = await cli('stake', ...args, '--rpc', url);
  return JSON.parse(stdout) as T;
}

function validatorAt(url: string, operator: string): Promise<ValidatorJson | null> {
  return rpc<ValidatorJson | null>(url, 'open_getValidator', [operator]);
}

async function setAt(url: string, h?: number): Promise<SetJson> {
  return rpc<SetJson>(url, 'open_validators', h === undefined ? [] : [`0x${h.toString(16)}`]);
}

/** Whether `address` signed the latest commit certificate the node at `url` holds. */
async function signedLatest(url: string, address: string): Promise<boolean> {
  const commit = await rpc<{ signatures: { validator: string }[] } | null>(url, 'open_getCommit', ['latest']);
  return (commit?.signatures ?? []).some((s) => s.validator === address);
}

describe('staking across set changes, five validator processes and a full node', () => {
  let devnet: TestDevnet;
  const extra: NodeProcess[] = [];
  const running = () => devnet.nodes.flatMap((n, i) => (n ? [devnet.url(i)] : []));
  /** The fifth validator: its home, process, consensus address. */
  let fifth: { home: string; node: NodeProcess; address: string };

  beforeAll(async () => {
    devnet = await startDevnet({
      validators: 4,
      blockIntervalMs: 300,
      genesis: (g) => {
        const staking = g['staking'] as { params: Record<string, unknown> };
        staking.params = { ...staking.params, ...STAKING_PARAMS };
        (g['params'] as Record<string, unknown>)['evidenceMaxAgeBlocks'] = EVIDENCE_MAX_AGE_BLOCKS;
      },
    });
    // The devnet's operators hold gas money besides their self-bond (node/devnet.ts): no funding here.
  }, 180_000);

  afterAll(async () => {
    await Promise.all(extra.map((n) => n.kill()));
    await devnet?.close();
  });

  it('a fifth node syncs; `stake create-validator` puts it in the set, and its signature is in later commits', {
    timeout: 180_000,
  }, async () => {
    const home = await initJoiningHome(devnet, 'node4');
    const node = await startNode(home);
    extra.push(node);
    const target = await height(devnet.url(0));
    await waitFor('node4 to sync', async () => (await height(node.rpcUrl)) >= target, 90_000);

    // As much stake as a genesis validator: a quarter of the set's power joins, under the cap.
    const peer = await validatorAt(devnet.url(0), operatorOf(0).address);
    const created = await stake<{ operator: string; consensusAddress: string; status: string }>(
      devnet.url(0),
      'create-validator',
      '--home',
      home,
      '--amount',
      BigInt(peer!.tokens).toString(),
      '--moniker',
      'node4',
      '--private-key',
      newOperator.privateKey,
    );
    expect(created).toMatchObject({ operator: newOperator.address, status: 'success' });
    fifth = { home, node, address: created.consensusAddress };

    await waitFor('node4 in the set', async () =>
      (await setAt(devnet.url(0))).validators.some((v) => v.address === fifth.address),
    );
    await waitFor('node4 signing a commit', () => signedLatest(devnet.url(0), fifth.address));
    const shown = await stake<{ validator: { status: string; moniker: string } }>(
      node.rpcUrl,
      'show',
      newOperator.address,
    );
    expect(shown.validator).toMatchObject({ status: 'active', moniker: 'node4' });
    const set = await setAt(devnet.url(1));
    expect(set.validators.find((v) => v.address === fifth.address)).toMatchObject({
      operator: newOperator.address,
      status: 'active',
      stake: peer!.tokens,
    });
  });

  it('a consensus key already bound is refused with a clear error naming the reason, and nothing is sent', async () => {
    const other = ACCOUNTS[DEVNET_DEFAULTS.accounts - 2]!;
    const { code, stderr } = await cliFails(
      'stake',
      'create-validator',
      '--home',
      fifth.home,
      '--amount',
      '100OPEN',
      '--private-key',
      other.privateKey,
      '--rpc',
      devnet.url(0),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^error: createValidator would fail: CONSENSUS_KEY_IN_USE: consensus key 0x[0-9a-f]{64} is already bound to validator/m,
    );
    expect(await stake(devnet.url(0), 'show', other.address)).toMatchObject({ delegations: [] });
  });

  it('the key run twice double-signs: slashed and tombstoned, the same on every node', {
    timeout: 180_000,
  }, async () => {
    const before = await validatorAt(devnet.url(0), newOperator.address);
    const twin = await startNode(await initTwinHome(devnet, fifth.home, fifth.node));
    extra.push(twin);
    const found = await waitForEvidence(devnet.url(0), fifth.address);
    await waitForHeight(running(), found.height, 'every node at the evidence block');
    for (const url of running()) {
      expect(await evidenceAt(url, found.height)).toContainEqual(
        expect.objectContaining({ validator: fifth.address, hash: found.hash }),
      );
    }
    await waitFor('node4 tombstoned', async () =>
      (await Promise.all(running().map((u) => validatorAt(u, newOperator.address)))).every(
        (v) => v?.status === 'tombstoned',
      ),
    );
    await twin.kill();
    await fifth.node.kill();
    await advance(running(), 2);
    const seen = await Promise.all(running().map((u) => validatorAt(u, newOperator.address)));
    for (const v of seen) {
      expect(BigInt(v!.tokens)).toBeLessThan(BigInt(before!.tokens));
      expect(v!.tokens).toBe(seen[0]!.tokens);
    }
    await waitFor('node4 out of the set', async () =>
      (await setAt(devnet.url(0))).validators.every((v) => v.address !== fifth.address),
    );
    const pool = await rpc<{ slashed: string }>(devnet.url(0), 'open_stakingPool');
    expect(BigInt(pool.slashed)).toBeGreaterThanOrEqual(BigInt(before!.tokens) - BigInt(seen[0]!.tokens));
    // A tombstoned validator can never come back.
    const { stderr } = await cliFails(
      'stake',
      'unjail',
      '--private-key',
      newOperator.privateKey,
      '--rpc',
      devnet.url(0),
    );
    expect(stderr).toMatch(
      /^error: unjail would fail: VALIDATOR_TOMBSTONED: validator 0x[0-9a-f]{40} is tombstoned for ever/m,
    );
  });

  it('a stopped validator is jailed for downtime; restarted, it unjails and signs again', {
    timeout: 400_000,
  }, async () => {
    const op = operatorOf(3);
    const address = (await validatorAt(devnet.url(0), op.address))!.consensusAddress;
    const before = await validatorAt(devnet.url(0), op.address);
    await devnet.stop(3);
    await waitFor(
      'node3 jailed',
      async () => (await validatorAt(devnet.url(0), op.address))?.status === 'jailed',
      180_000,
    );
    const jailed = (await validatorAt(devnet.url(0), op.address))!;
    // Too early: refused with the module's reason, asked at once (and with viem: a CLI process
    // takes seconds to start on a loaded machine, by which time the jail may be over).
    const client = createPublicClient({ transport: http(devnet.url(0)) });
    await expect(
      client.estimateGas({
        account: op.address as `0x${string}`,
        to: STAKING_ADDRESS,
        data: encodeFunctionData({ abi: stakingAbi, functionName: 'unjail' }),
      }),
    ).rejects.toThrow(/is jailed until height \d+/);
    expect(BigInt(jailed.tokens)).toBeLessThan(BigInt(before!.tokens));
    await advance(running(), 2);
    expect((await setAt(devnet.url(0))).validators.map((v) => v.address)).not.toContain(address);

    await devnet.start(3);
    await waitFor(
      'the jail time to pass',
      async () => (await height(devnet.url(0))) > Number(jailed.jailedUntil),
    );
    const unjailed = await stake(
      devnet.url(0),
      'unjail',
      '--home',
      devnet.manifest.nodes[3]!.home,
      '--private-key',
      op.privateKey,
    );
    expect(unjailed).toMatchObject({ operator: op.address, status: 'success' });
    await waitFor('node3 back in the set', async () =>
      (await setAt(devnet.url(0))).validators.some((v) => v.address === address),
    );
    await waitFor('node3 signing again', () => signedLatest(devnet.url(0), address), 90_000);
  });

  it('a validator undelegates its whole stake and leaves the set; the chain goes on with the rest', {
    timeout: 180_000,
  }, async () => {
    const op = operatorOf(0);
    const v = (await validatorAt(devnet.url(1), op.address))!;
    const out = await stake<{ completionHeight: string; status: string }>(
      devnet.url(1),
      'undelegate',
      '--validator',
      op.address,
      '--amount',
      BigInt(v.tokens).toString(),
      '--private-key',
      op.privateKey,
    );
    expect(out.status).toBe('success');
    // Read at once, well before the completion height (a short unbonding: 20 blocks).
    const balance = async () =>
      BigInt(await rpc<string>(devnet.url(1), 'eth_getBalance', [op.address, 'latest']));
    const held = await balance();
    const delegator = await rpc<{ unbondings: unknown[] }>(devnet.url(1), 'open_getDelegator', [op.address]);
    expect(delegator.unbondings).toHaveLength(1);
    await waitFor('node0 out of the set', async () =>
      (await setAt(devnet.url(1))).validators.every((x) => x.address !== v.consensusAddress),
    );
    const rest = [1, 2, 3].map((i) => devnet.url(i));
    await advance(rest, 3);
    // The tokens come back by themselves at the completion height.
    await waitFor(
      'the unbonding to complete',
      async () => (await height(devnet.url(1))) > Number(out.completionHeight),
    );
    expect(await balance()).toBe(held + BigInt(v.tokens));
    await assertNoFork(running());
  });

  it('a new full node syncs from height 1 across every set change and reaches the same head', {
    timeout: 240_000,
  }, async () => {
    const home = await initJoiningHome(devnet, 'full', 2);
    const target = await height(devnet.url(1));
    const full = await startNode(home);
    extra.push(full);
    await waitFor(
      'the full node at the head',
      async () => (await height(full.rpcUrl)) >= target + 2,
      120_000,
    );
    await waitFor(
      'the full node no longer syncing',
      async () => (await rpc(full.rpcUrl, 'eth_syncing')) === false,
    );
    const common = await assertNoFork([...running(), full.rpcUrl]);
    // A full node: it never joined the set.
    const info = await rpc<{ validatorAddress: string }>(full.rpcUrl, 'open_nodeInfo');
    expect((await setAt(devnet.url(1))).validators.map((v) => v.address)).not.toContain(
      info.validatorAddress,
    );
    // The sets it verified commits against are the ones the validators used.
    for (let h = 1; h <= common; h += Math.max(1, Math.floor(common / 20))) {
      const [a, b] = await Promise.all([setAt(devnet.url(1), h), setAt(full.rpcUrl, h)]);
      expect(b.validators.map((v) => v.address)).toEqual(a.validators.map((v) => v.address));
    }
  });
});

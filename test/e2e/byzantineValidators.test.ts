// Byzantine validators made by the test-only switches (node/byzantine), among honest ones, as real
// processes: node0 double-votes, node1 proposes blocks holding an invalid transaction and votes for
// invalid blocks, node4 double-proposes (and votes honestly); node2 and node3 are honest. Honest
// nodes put node0's equivocation on chain as evidence, and staking tombstones node0: it leaves the
// set, and the four left (node1 among them) still need an honest vote for +2/3 of every block.
// Honest nodes never commit an invalid block (and stop listening to its proposer for a while: node1
// falls behind, then catches up by sync), and agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ONLY_ENV } from '../../node/testOnly.ts';
import { cliFails, type NodeProcess, rpc } from './cli.ts';
import {
  advance,
  assertNoFork,
  evidenceAt,
  startDevnet,
  type TestDevnet,
  waitFor,
  waitForEvidence,
  waitForHeight,
} from './devnet.ts';

process.env[TEST_ONLY_ENV] = '1';

/** The log entries of `node` with message `msg`. */
function logged(node: NodeProcess | undefined, msg: string): Record<string, unknown>[] {
  return (node?.logs ?? []).filter((e) => e['msg'] === msg);
}

describe('byzantine validators among honest ones', () => {
  let devnet: TestDevnet;
  const all = () => [0, 1, 2, 3, 4].map((i) => devnet.url(i));
  const honest = () => [2, 3].map((i) => devnet.url(i));

  beforeAll(async () => {
    devnet = await startDevnet({
      validators: 5,
      blockIntervalMs: 300,
      testOnly: {
        0: { byzantine: ['double-vote'] },
        1: { byzantine: ['propose-invalid-tx', 'vote-invalid'] },
        4: { byzantine: ['double-propose'] },
      },
    });
  });

  afterAll(async () => {
    await devnet?.close();
  });

  it('says loudly that a node runs with test-only switches, and refuses them without OPENCHAIN_TEST_ONLY=1', async () => {
    const warning =
      'TEST-ONLY SWITCHES IN FORCE: this node is deliberately faulty; never run it on a real network';
    for (const i of [0, 1, 4]) expect(logged(devnet.nodes[i], warning)).toHaveLength(1);
    expect(logged(devnet.nodes[2], warning)).toHaveLength(0);
    delete process.env[TEST_ONLY_ENV];
    try {
      const { code, stderr } = await cliFails('start', '--home', devnet.manifest.nodes[1]!.home);
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/config\.testOnly: .*OPENCHAIN_TEST_ONLY=1/);
    } finally {
      process.env[TEST_ONLY_ENV] = '1';
    }
  });

  it('double-vote: the evidence lands in a block on every node and tombstones the signer; double-propose: the chain goes on without a fork', {
    timeout: 120_000,
  }, async () => {
    const culprit = (await rpc<{ validatorAddress: string }>(devnet.url(0), 'open_nodeInfo'))
      .validatorAddress;
    const found = await waitForEvidence(devnet.url(2), culprit);
    await advance(honest(), 1);
    for (const url of honest()) {
      expect(await evidenceAt(url, found.height)).toContainEqual(
        expect.objectContaining({ validator: culprit, hash: found.hash }),
      );
    }
    expect(
      logged(devnet.nodes[0], 'byzantine: signed and sent a conflicting vote for nil').length,
    ).toBeGreaterThan(0);
    // Staking tombstones the double signer: it leaves the set on every node.
    for (const url of honest()) {
      await waitFor(`node0 out of the validator set on ${url}`, async () => {
        const { validators } = await rpc<{ validators: { address: string }[] }>(url, 'open_validators');
        return !validators.some((v) => v.address.toLowerCase() === culprit.toLowerCase());
      });
    }
    await waitFor(
      'node4 to propose twice in a round',
      async () => logged(devnet.nodes[4], 'byzantine: signed and sent a second proposal').length > 0,
    );
    const doubled = logged(devnet.nodes[4], 'byzantine: signed and sent a second proposal');
    await advance(honest(), 2);
    await assertNoFork(all());
    // At most one of the two proposals of a round is the block of its height.
    for (const d of doubled) {
      const committed = await rpc<{ hash: string } | null>(devnet.url(2), 'eth_getBlockByNumber', [
        `0x${(d['height'] as number).toString(16)}`,
        false,
      ]);
      expect([d['first'], d['second']].filter((h) => h === committed?.hash).length).toBeLessThanOrEqual(1);
    }
  });

  it('propose-invalid-tx and vote-invalid: no node commits the invalid blocks, and the chain goes on', {
    timeout: 120_000,
  }, async () => {
    const proposedInvalid = () =>
      logged(devnet.nodes[1], 'byzantine: proposing a block with an invalid transaction');
    await waitFor('node1 to propose an invalid block', async () => proposedInvalid().length >= 1, 90_000);
    // Its own invalid proposals are what node1 votes for.
    expect(
      logged(devnet.nodes[1], 'byzantine: treating an invalid proposal as valid').length,
    ).toBeGreaterThan(0);
    // Honest nodes reject the proposal and penalise its sender (a negative score, or a ban).
    const node1 = devnet.manifest.nodes[1]!.p2p.split('/p2p/')[1];
    for (const url of honest()) {
      await waitFor(`node1 penalised by ${url}`, async () => {
        const peers = await rpc<{ id: string; score: number }[]>(url, 'open_peers');
        return (peers.find((p) => p.id === node1)?.score ?? -1) < 0;
      });
    }
    const last = Math.max(...proposedInvalid().map((e) => e['height'] as number));
    await waitForHeight(honest(), last + 1, 'the honest nodes past the last invalid proposal');
    for (const e of proposedInvalid()) {
      for (const url of honest()) {
        expect(
          await rpc(url, 'eth_getBlockByHash', [e['block'], false]),
          `block ${e['block']} on ${url}`,
        ).toBeNull();
        expect(await rpc(url, 'eth_getTransactionByHash', [e['tx']]), `tx ${e['tx']} on ${url}`).toBeNull();
      }
    }
    await assertNoFork(all());
  });
});

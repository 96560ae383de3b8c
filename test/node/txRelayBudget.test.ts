// Gossiped transactions that fail admission (here: validly signed by senders without a wei) cost
// a sender recovery each. A relaying peer gets a budget of such failures; beyond it its
// transactions are dropped unchecked and it is penalised until it is banned.
import { randomBytes } from 'node:crypto';
import { multiaddr } from '@multiformats/multiaddr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTx } from '../../core/tx.ts';
import { FAILED_TX_BURST, FAILED_TXS_PER_SECOND, TxRelayBudget } from '../../node/txRelayBudget.ts';
import type { PeerAction } from '../../p2p/scoring.ts';
import { encodeTxsMessage } from '../../p2p/wire.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { chainOf, Hosts, waitFor } from '../p2p/helpers.ts';

const GWEI = 10n ** 9n;

describe('TxRelayBudget', () => {
  it('holds a token per check in progress, drops beyond the budget, and penalises once a second', () => {
    let now = 0;
    const penalties: { peer: string; action: PeerAction }[] = [];
    const budget = new TxRelayBudget(
      (peer, action) => penalties.push({ peer, action }),
      () => now,
    );
    // Checks in progress count before their outcome is known: a concurrent flood stops at the burst.
    for (let i = 0; i < FAILED_TX_BURST; i++) expect(budget.admits('spammer')).toBe(true);
    expect(budget.admits('spammer')).toBe(false);
    expect(penalties).toEqual([]); // nothing failed yet
    // Valid ones give their token back; failures keep it.
    budget.settle('spammer', false);
    expect(budget.admits('spammer')).toBe(true);
    for (let i = 0; i < FAILED_TX_BURST; i++) budget.settle('spammer', true);
    expect(budget.admits('spammer')).toBe(false);
    expect(budget.admits('spammer')).toBe(false);
    expect(budget.admits('honest')).toBe(true);
    expect(penalties).toEqual([{ peer: 'spammer', action: 'low' }]);
    now += 1_000;
    // A second refills FAILED_TXS_PER_SECOND; the peer is not penalised while within them.
    for (let i = 0; i < FAILED_TXS_PER_SECOND; i++) {
      expect(budget.admits('spammer')).toBe(true);
      budget.settle('spammer', true);
    }
    expect(budget.admits('spammer')).toBe(false);
    expect(penalties).toHaveLength(2);
  });
});

describe('a node relayed transactions of unfunded senders', () => {
  let victim: TestNode;
  const hosts = new Hosts();

  beforeAll(async () => {
    victim = await startTestNode({ blockIntervalMs: 500 });
  });

  afterAll(async () => {
    await hosts.stopAll();
    await victim?.stop();
  });

  /** A batch of transfers, each signed by a fresh key that owns nothing. */
  function unfunded(count: number): Uint8Array[] {
    return Array.from(
      { length: count },
      () =>
        signTx(
          {
            type: 2,
            chainId: victim.node.chain.chainId,
            nonce: 0n,
            maxPriorityFeePerGas: GWEI,
            maxFeePerGas: 100n * GWEI,
            gasLimit: 21_000n,
            to: '0x00000000000000000000000000000000000000aa',
            value: 1n,
            data: new Uint8Array(),
            accessList: [],
          },
          randomBytes(32),
        ).raw,
    );
  }

  it('checks only the budget of them, and penalises the relay until it is banned', {
    timeout: 90_000,
  }, async () => {
    const chain = victim.node.chain;
    const spammer = await hosts.start({
      chain: chainOf(chain),
    });
    const ignore = () => ({ result: 'ignore' as const });
    spammer.gossip.start({ onTx: ignore, onProposal: ignore, onVote: ignore, onEvidence: ignore });
    await spammer.libp2p.dial(multiaddr(victim.node.host.multiaddrs()[0]!));
    await waitFor(
      () => spammer.gossip.subscribers('tx').includes(victim.node.host.peerId),
      'tx mesh',
      10_000,
    );

    // Counts what reaches the pool: each is a decode and a sender recovery.
    let checked = 0;
    const add = chain.mempool.add.bind(chain.mempool);
    chain.mempool.add = (raw) => {
      checked++;
      return add(raw);
    };
    const banned = () => victim.node.host.peerManager.isBanned(spammer.peerId);
    const started = Date.now();
    let sent = 0;
    const pubsub = spammer.libp2p.services.pubsub;
    await waitFor(
      async () => {
        if (!banned()) {
          const batch = unfunded(250);
          sent += batch.length;
          await pubsub.publish(spammer.names.topics.tx, encodeTxsMessage(batch)).catch(() => {}); // none left to send to once banned
        }
        return banned();
      },
      'the spammer banned',
      60_000,
      100,
    );
    const seconds = (Date.now() - started) / 1000;
    // The budget (burst plus refill over the run) bounds the work, not the flood.
    expect(checked).toBeLessThanOrEqual(FAILED_TX_BURST + Math.ceil(FAILED_TXS_PER_SECOND * seconds));
    expect(sent).toBeGreaterThan(2 * checked);
    expect(chain.mempool.size).toBe(0);
  });
});

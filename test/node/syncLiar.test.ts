// Two validators of equal power (each needs the other's votes) and, at the second one's start,
// two peers claiming height 10^9: one with a commit nobody we know signed, one with a commit the
// validators did sign (their keys leaked, or copied from a real head) that answers every blocks
// request with RATE_LIMITED. Neither may keep the starting validator out of consensus, and both
// lose score. Real nodes, real LevelDB, real libp2p on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Hex } from '../../core/bytes.ts';
import { ed25519Sign } from '../../core/ed25519.ts';
import { validatorAddress } from '../../core/validator.ts';
import { type Commit, encodeCommit, PRECOMMIT, sortCommitSigs, voteSignBytes } from '../../core/vote.ts';
import { parseConfig } from '../../node/config.ts';
import { createDevnet } from '../../node/devnet.ts';
import { homePaths } from '../../node/home.ts';
import { loadValidatorKey } from '../../node/keys.ts';
import { OpenchainNode } from '../../node/node.ts';
import type { P2pHost } from '../../p2p/host.ts';
import { respond } from '../../p2p/reqresp.ts';
import { encodeBlocksResponse, RESPONSE_ERROR } from '../../p2p/wire.ts';
import { chainOf, Hosts, waitFor } from '../p2p/helpers.ts';

const CLAIM = 1_000_000_000;
const FAKE_HEAD = `0x${'ab'.repeat(32)}` as Hex;

describe('a starting validator facing peers that claim height 10^9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openchain-syncliar-'));
  const hosts = new Hosts();
  const nodes: OpenchainNode[] = [];

  afterAll(async () => {
    for (const n of nodes.reverse()) await n.stop();
    await hosts.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(home: string, bootstrap: string[]): Promise<OpenchainNode> {
    const config = parseConfig({
      rpc: { enabled: false },
      block: { intervalMs: 200 },
      p2p: {
        listen: ['/ip4/127.0.0.1/tcp/0'],
        bootstrap,
        sync: { peerWaitMs: 500, requestTimeoutMs: 2_000 },
      },
    });
    return OpenchainNode.start({ home, config, logger: pino({ level: 'silent' }) });
  }

  /** A peer of the chain whose status claims CLAIM, proven by `commit`, and that serves no block. */
  async function liar(node: OpenchainNode, commit: Commit, refuse: boolean): Promise<P2pHost> {
    const chain = node.chain;
    const host = await hosts.start({
      chain: chainOf(chain),
    });
    const status = { height: CLAIM, headHash: FAKE_HEAD, baseHeight: 1, headCommit: encodeCommit(commit) };
    await host.serveBlocks({ status: () => status, blocks: () => [] });
    if (refuse) {
      await host.libp2p.unhandle(host.names.blocksProtocol);
      const error = { code: RESPONSE_ERROR.rateLimited, message: 'slow down', retryAfterMs: 60_000 };
      await host.libp2p.handle(host.names.blocksProtocol, (stream) => {
        void respond(stream, { timeoutMs: 5_000, maxRequestBytes: 64 }, async () =>
          encodeBlocksResponse({ error }),
        );
      });
    }
    return host;
  }

  it('joins consensus at once, and both liars lose score', { timeout: 120_000 }, async () => {
    const manifest = await createDevnet({
      dir,
      validators: 2,
      // Ports written into the homes; the nodes below listen on free ones instead.
      basePort: 1,
      p2pBasePort: 1,
      metricsBasePort: 1,
      emptyBlocks: true,
    });
    const [home0, home1] = manifest.nodes.map((n) => n.home) as [string, string];
    const other = await start(home1, []);
    nodes.push(other);

    const keys = [home0, home1].map((h) => loadValidatorKey(homePaths(h).validatorKey));
    const vote = { type: PRECOMMIT, height: CLAIM, round: 0, blockHash: FAKE_HEAD } as const;
    const signBytes = voteSignBytes(other.chain.chainId, vote);
    const signed: Commit = {
      ...vote,
      signatures: sortCommitSigs(
        other.chain.validators().map((v) => {
          const key = keys.find((k) => validatorAddress(k.pubKey) === v.address)!;
          return { validator: v.address, signature: ed25519Sign(signBytes, key.secretKey) };
        }),
      ),
    };
    const unproven = await liar(other, { ...vote, signatures: [] }, false);
    const refusing = await liar(other, signed, true);

    const victim = await start(
      home0,
      [unproven, refusing, other.host].map((h) => h.multiaddrs()[0]!),
    );
    nodes.push(victim);
    await waitFor(
      () => victim.chain.head.header.height >= 5 && other.chain.head.header.height >= 5,
      'both validators committing blocks together',
      60_000,
    );
    await waitFor(
      () =>
        victim.host.peerManager.score(unproven.peerId) < 0 &&
        victim.host.peerManager.score(refusing.peerId) < -25,
      'both liars penalized',
      30_000,
    );
    expect(victim.host.peerManager.score(other.host.peerId)).toBeGreaterThanOrEqual(0);
  });
});

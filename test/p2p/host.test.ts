import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { byteStream } from '@libp2p/utils';
import { afterEach, describe, expect, it } from 'vitest';
import { p2pConfigSchema } from '../../p2p/config.ts';
import { loadNodeKey, loadOrCreateNodeKey, nodeKeyPath } from '../../p2p/nodeKey.ts';
import { connect, Hosts, tempHome, waitFor } from './helpers.ts';

const hosts = new Hosts();
const PING = '/ipfs/ping/1.0.0';
afterEach(() => hosts.stopAll());

describe('node key', () => {
  it('is created once with mode 0600 and keeps the peer id across restarts', async () => {
    const home = tempHome();
    const path = nodeKeyPath(home);
    const first = await loadOrCreateNodeKey(path);
    expect(first.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await loadOrCreateNodeKey(path)).peerId).toBe(first.peerId);

    const host = await hosts.start({ home });
    expect(host.peerId).toBe(first.peerId);
    await hosts.stop(host);
    const again = await hosts.start({ home });
    expect(again.peerId).toBe(first.peerId);
    expect(again.multiaddrs().every((a) => a.endsWith(`/p2p/${first.peerId}`))).toBe(true);
  });

  it('refuses a damaged or mismatched key file', async () => {
    const path = nodeKeyPath(tempHome());
    await loadOrCreateNodeKey(path);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(
      path,
      JSON.stringify({ ...file, peerId: '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf' }),
    );
    expect(() => loadNodeKey(path)).toThrow(expect.objectContaining({ code: 'INVALID_NODE_KEY' }));
    writeFileSync(path, '{"type":"libp2p-ed25519","privateKey":"0x1234"}');
    await expect(loadOrCreateNodeKey(path)).rejects.toMatchObject({ code: 'INVALID_NODE_KEY' });
  });
});

describe('host', () => {
  it('lists peers with addresses, direction and score', async () => {
    const a = await hosts.start();
    const b = await hosts.start();
    expect(a.peerCount).toBe(0);
    await connect(a, b);
    await waitFor(() => a.peerCount === 1 && b.peerCount === 1, 'both sides connected');
    const [seenByA] = a.peers();
    expect(seenByA).toMatchObject({ id: b.peerId, direction: 'outbound', score: 0 });
    expect(seenByA!.addresses[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/);
    expect(b.peers()[0]).toMatchObject({ id: a.peerId, direction: 'inbound' });
  });

  it('probes each connection every pingIntervalMs (libp2p connection monitor), 60 s by default', async () => {
    expect(p2pConfigSchema.parse({}).pingIntervalMs).toBe(60_000);
    const a = await hosts.start({ config: { pingIntervalMs: 1_000 } });
    const b = await hosts.start();
    // The monitor's probe is /ipfs/ping/1.0.0, which the node does not mount: answer it here to count it.
    let probes = 0;
    await b.libp2p.handle(PING, async (stream) => {
      probes++;
      const bytes = byteStream(stream);
      await bytes.write(await bytes.read({ bytes: 32 }));
      await stream.close();
    });
    await connect(a, b);
    await waitFor(() => probes >= 2, 'two probes from the host pinging every second', 10_000);
    expect(a.peerCount).toBe(1);
  });

  it('refuses inbound connections from one IP beyond maxConnectionsPerIp, and takes one again when a slot frees', async () => {
    const target = await hosts.start({ config: { maxConnectionsPerIp: 2 } });
    const [a, b, c] = [await hosts.start(), await hosts.start(), await hosts.start()];
    await connect(a, target);
    await connect(b, target);
    await waitFor(() => target.peerCount === 2, 'two peers from 127.0.0.1 admitted');
    await expect(connect(c, target)).rejects.toThrow();
    expect(target.peers().map((p) => p.id)).not.toContain(c.peerId);

    await hosts.stop(a);
    await waitFor(() => target.peerCount === 1, 'the first peer gone');
    await connect(c, target);
    await waitFor(() => target.peers().some((p) => p.id === c.peerId), 'the third peer admitted');
  });

  it('reconnects to a bootstrap peer that restarts', async () => {
    const home = tempHome();
    const seed = await hosts.start({ home });
    const addr = seed.multiaddrs()[0]!;
    const node = await hosts.start({ config: { bootstrap: [addr], bootstrapRedialMs: 200 } });
    await waitFor(() => node.peerCount === 1, 'first connection to the bootstrap peer');

    await hosts.stop(seed);
    await waitFor(() => node.peerCount === 0, 'the drop noticed');
    const port = addr.split('/')[4];
    const restarted = await hosts.start({ home, config: { listen: [`/ip4/127.0.0.1/tcp/${port}`] } });
    await waitFor(() => node.peers().some((p) => p.id === restarted.peerId), 'reconnection', 5_000);
  });
});

describe('p2p config', () => {
  it('has defaults and rejects bootstrap addresses without a peer id', () => {
    const config = p2pConfigSchema.parse({});
    expect(config).toMatchObject({
      listen: ['/ip4/0.0.0.0/tcp/26656'],
      maxConnections: 50,
      sync: { batchSize: 32 },
    });
    expect(p2pConfigSchema.safeParse({ bootstrap: ['/ip4/1.2.3.4/tcp/26656'] }).success).toBe(false);
    expect(p2pConfigSchema.safeParse({ listen: ['not an address'] }).success).toBe(false);
    expect(p2pConfigSchema.safeParse({ sync: { batchsize: 3 } }).success).toBe(false);
  });
});

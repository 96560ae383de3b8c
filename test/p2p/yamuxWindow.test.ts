// Window updates at half the window (p2p/yamuxWindow.ts): two real libp2p nodes (TCP, noise,
// yamux) on loopback, connected through a proxy that counts the bytes each way. Small messages
// one way must not each bring a window update back; a transfer of several windows must still
// complete, so flow control keeps working.
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import { afterEach, describe, expect, it } from 'vitest';
import { mayDeferWindowUpdate, yamuxHalfWindowUpdates } from '../../p2p/yamuxWindow.ts';
import { tcpRelay } from './helpers.ts';

const PROTOCOL = '/openchain-test/yamux-window/1';
const WINDOW = 256 * 1024; // yamux's initial stream window

type Muxer = ReturnType<typeof yamux>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(muxer: Muxer): Promise<Libp2p> {
  const n = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [muxer],
    connectionMonitor: { enabled: false },
  });
  cleanups.push(async () => {
    await n.stop();
  });
  return n;
}

/** A TCP relay to `port`; `back` counts the bytes from the listener to the dialer. */
async function countingProxy(port: number): Promise<{ port: number; back: () => number }> {
  let back = 0;
  const relay = await tcpRelay(port, (inbound, outbound) => {
    outbound.on('data', (d: Buffer) => {
      back += d.length;
    });
    inbound.pipe(outbound).pipe(inbound);
  });
  cleanups.push(relay.close);
  return { port: relay.port, back: () => back };
}

/** Sends `count` messages of `size` bytes from a dialer to a listener; the bytes that came back. */
async function send(muxer: Muxer, count: number, size: number): Promise<number> {
  const [dialer, listener] = await Promise.all([node(muxer), node(muxer)]);
  let received = 0;
  const done = Promise.withResolvers<void>();
  await listener.handle(PROTOCOL, (stream) => {
    stream.addEventListener('message', (evt) => {
      received += evt.data.byteLength;
      if (received === count * size) done.resolve();
    });
  });
  const port = Number(/\/tcp\/(\d+)/.exec(listener.getMultiaddrs()[0]!.toString())![1]);
  const proxy = await countingProxy(port);
  const stream = await dialer.dialProtocol(
    multiaddr(`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${listener.peerId.toString()}`),
    PROTOCOL,
  );
  const before = proxy.back();
  for (let i = 0; i < count; i++) {
    if (!stream.send(new Uint8Array(size).fill(i & 0xff))) await stream.onDrain();
  }
  await done.promise;
  // Anything the listener sends back in answer has left by the time the last message is handled.
  await new Promise((r) => setTimeout(r, 50));
  return proxy.back() - before;
}

describe('yamux window updates', () => {
  it('small messages one way bring no window update back per message', async () => {
    const stock = await send(yamux(), 100, 100);
    const half = await send(yamuxHalfWindowUpdates(), 100, 100);
    // A window update is a 12-byte yamux header in its own noise frame: 30 bytes on the wire.
    expect(stock).toBeGreaterThanOrEqual(100 * 30);
    expect(half).toBeLessThan(10 * 30);
  });

  it('a transfer of several windows completes: updates still come at half the window', async () => {
    const back = await send(yamuxHalfWindowUpdates(), 64, 16 * 1024); // 1 MiB, four windows
    expect(back).toBeGreaterThan(0);
  });

  it('defers an update only while more than half the window is open and no flag is due', () => {
    const established = 3;
    expect(
      mayDeferWindowUpdate({ state: established, recvWindow: WINDOW, recvWindowCapacity: WINDOW - 100 }),
    ).toBe(true);
    expect(
      mayDeferWindowUpdate({ state: established, recvWindow: WINDOW, recvWindowCapacity: WINDOW / 2 }),
    ).toBe(false);
    for (const flagged of [0, 2, 5]) {
      expect(mayDeferWindowUpdate({ state: flagged, recvWindow: WINDOW, recvWindowCapacity: WINDOW })).toBe(
        false,
      );
    }
  });
});

// Noise frames in one write, read without an exception per read (p2p/noiseFrames.ts): two real
// libp2p nodes (TCP, noise, yamux) on loopback. The socket writes are counted on node's own
// net.Socket (a spy that calls through); a relay between the nodes can hand the listener its bytes
// one at a time, so every frame's length prefix arrives split.
import { Socket } from 'node:net';
import { noise } from '@chainsafe/libp2p-noise';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import { Uint8ArrayList } from 'uint8arraylist';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { frameLength, noiseOneWritePerFrame } from '../../p2p/noiseFrames.ts';
import { yamuxHalfWindowUpdates } from '../../p2p/yamuxWindow.ts';
import { tcpRelay } from './helpers.ts';

const PROTOCOL = '/openchain-test/noise-frames/1';

type Encrypter = ReturnType<typeof noise>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(encrypter: Encrypter): Promise<Libp2p> {
  const n = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [encrypter],
    // As the node runs: no window update answers each frame, so only the dialer writes.
    streamMuxers: [yamuxHalfWindowUpdates()],
    connectionMonitor: { enabled: false },
  });
  cleanups.push(async () => {
    await n.stop();
  });
  return n;
}

/** A TCP relay to `port` that writes what the dialer sends one byte at a time. */
async function byteByByteRelay(port: number): Promise<number> {
  const relay = await tcpRelay(port, (inbound, outbound) => {
    inbound.on('data', (d: Buffer) => {
      for (const byte of d) outbound.write(Buffer.of(byte));
    });
    outbound.pipe(inbound);
  });
  cleanups.push(relay.close);
  return relay.port;
}

interface Sent {
  /** Socket writes the dialer's process made while sending. */
  readonly writes: number;
  /** What the listener received, in order. */
  readonly received: Uint8Array;
}

/** Sends `messages` over one stream from a dialer to a listener, optionally through the relay. */
async function send(encrypter: Encrypter, messages: readonly Uint8Array[], split = false): Promise<Sent> {
  const [dialer, listener] = await Promise.all([node(encrypter), node(encrypter)]);
  const total = messages.reduce((n, m) => n + m.length, 0);
  const received = new Uint8ArrayList();
  const done = Promise.withResolvers<void>();
  await listener.handle(PROTOCOL, (stream) => {
    stream.addEventListener('message', (evt) => {
      received.append(evt.data.subarray());
      if (received.byteLength === total) done.resolve();
    });
  });
  const port = Number(/\/tcp\/(\d+)/.exec(listener.getMultiaddrs()[0]!.toString())![1]);
  const via = split ? await byteByByteRelay(port) : port;
  const stream = await dialer.dialProtocol(
    multiaddr(`/ip4/127.0.0.1/tcp/${via}/p2p/${listener.peerId.toString()}`),
    PROTOCOL,
  );
  // Let the stream's opening frames go before counting.
  await new Promise((r) => setTimeout(r, 50));
  const write = vi.spyOn(Socket.prototype, 'write');
  for (const m of messages) {
    if (!stream.send(m)) await stream.onDrain();
    // One message per turn, so that each is a frame of its own (as gossip messages are).
    await new Promise((r) => setImmediate(r));
  }
  const writes = write.mock.calls.length;
  write.mockRestore();
  await done.promise;
  return { writes, received: received.subarray() };
}

const messages = (count: number, size: number) =>
  Array.from({ length: count }, (_, i) => new Uint8Array(size).fill(i & 0xff));
const joined = (ms: readonly Uint8Array[]) => new Uint8ArrayList(...ms).subarray();

describe('noise frames in one write', () => {
  it('writes each small frame with one socket write, where the library writes two', async () => {
    const ms = messages(50, 100);
    const stock = await send(noise(), ms);
    const ours = await send(noiseOneWritePerFrame(), ms);
    expect(stock.writes).toBe(100);
    expect(ours.writes).toBe(50);
    expect(ours.received).toEqual(joined(ms));
  });

  it('a message larger than a noise frame (65,535 bytes) arrives whole, in one write per send', async () => {
    const ms = [new Uint8Array(200_000).map((_, i) => i % 251)];
    const ours = await send(noiseOneWritePerFrame(), ms);
    expect(ours.received).toEqual(joined(ms));
    // The stream hands the muxer its data in frames of at most yamux's maximum message size,
    // each of which is several noise frames; a stock send writes two buffers per noise frame.
    expect(ours.writes).toBeLessThan(2 * Math.ceil(200_000 / 65_519));
  });

  it('reads frames whose length prefix arrives split, one byte per read', async () => {
    const ms = [...messages(5, 100), new Uint8Array(70_000).fill(7), ...messages(3, 1)];
    const ours = await send(noiseOneWritePerFrame(), ms, true);
    expect(ours.received).toEqual(joined(ms));
  });
});

describe('frameLength', () => {
  it('reads the big-endian length from an array or a list split anywhere, empty buffers included', () => {
    expect(frameLength(Uint8Array.of(0x12, 0x34, 9))).toBe(0x1234);
    expect(frameLength(new Uint8ArrayList(Uint8Array.of(0xff, 0xfe)))).toBe(0xfffe);
    expect(frameLength(new Uint8ArrayList(Uint8Array.of(0x01), Uint8Array.of(0x02, 3)))).toBe(0x0102);
    expect(
      frameLength(
        new Uint8ArrayList(new Uint8Array(0), Uint8Array.of(0xab), new Uint8Array(0), Uint8Array.of(0xcd)),
      ),
    ).toBe(0xabcd);
  });

  it('throws a RangeError while fewer than two bytes are buffered (the decoder waits for more)', () => {
    expect(() => frameLength(new Uint8Array(0))).toThrow(RangeError);
    expect(() => frameLength(Uint8Array.of(1))).toThrow(RangeError);
    expect(() => frameLength(new Uint8ArrayList(new Uint8Array(0), Uint8Array.of(1)))).toThrow(RangeError);
  });
});

// TCP connection limits of the RPC server, with real sockets: a total cap and a per-IP cap (clients
// on 127.0.0.2 and 127.0.0.3 are other addresses), idle and slowloris connections timed out, and the
// cap derived from the open-file limit.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionCap, openFileLimit } from '../../rpc/fileLimit.ts';
import { type Fixture, startServer } from './helpers.ts';

let fx: Fixture | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await fx?.server.stop();
  fx = undefined;
});

interface RawConnection {
  socket: Socket;
  /** Everything the server sent, as text. */
  received: () => string;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

/** A TCP connection from `localAddress` that sends nothing by itself. */
async function open(port: number, localAddress: string): Promise<RawConnection> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(socket);
  let text = '';
  socket.on('data', (chunk) => {
    text += String(chunk);
  });
  socket.on('error', () => {}); // a reset is one way of being refused
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed };
}

/** Whether the server closes `connection` within a bound far above any timeout the test sets. */
async function closedByServer(connection: RawConnection): Promise<boolean> {
  const bound = new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000).unref());
  return Promise.race([connection.closed.then(() => true as const), bound]);
}

/** One eth_chainId over a fresh connection from `localAddress`; its result, or the failure's message. */
function chainId(port: number, localAddress: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        method: 'POST',
        agent: false,
        headers: { Connection: 'close' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += String(chunk);
        });
        res.on('end', () => resolve((JSON.parse(text) as { result: string }).result));
      },
    );
    req.on('error', (err) => resolve(`failed: ${err.message}`));
    req.end(CHAIN_ID_BODY);
  });
}

const port = (f: Fixture) => Number(new URL(f.url).port);

const CHAIN_ID_BODY = '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}';
/** eth_chainId as raw HTTP/1.1 on a keep-alive connection. */
const CHAIN_ID_REQUEST = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${CHAIN_ID_BODY.length}\r\n\r\n${CHAIN_ID_BODY}`;

describe('RPC connection caps', () => {
  it('closes connections over the per-IP cap while other addresses are served', async () => {
    fx = await startServer({ maxConnectionsPerIp: 3, maxConnections: 100 });
    const p = port(fx);
    const held: RawConnection[] = [];
    for (let i = 0; i < 3; i++) held.push(await open(p, '127.0.0.1'));
    const over = await open(p, '127.0.0.1');
    expect(await closedByServer(over)).toBe(true);
    expect(over.received()).toBe('');
    expect(fx.server.connectionCount).toBe(3);

    // Another address is not affected, and the held connections still work.
    expect(await chainId(p, '127.0.0.2')).toBe('0x539');
    held[0]!.socket.write(CHAIN_ID_REQUEST);
    await expect.poll(() => held[0]!.received(), { timeout: 5_000 }).toContain('"result":"0x539"');

    // A freed slot is usable again.
    held[1]!.socket.destroy();
    await expect.poll(() => fx!.server.connectionCount, { timeout: 5_000 }).toBe(2);
    expect(await chainId(p, '127.0.0.1')).toBe('0x539');
  });

  it('closes connections over the total cap, and serves again once some close', async () => {
    fx = await startServer({ maxConnections: 4, maxConnectionsPerIp: 2 });
    const p = port(fx);
    const held = [
      await open(p, '127.0.0.1'),
      await open(p, '127.0.0.1'),
      await open(p, '127.0.0.2'),
      await open(p, '127.0.0.2'),
    ];
    const over = await open(p, '127.0.0.3');
    expect(await closedByServer(over)).toBe(true);
    expect(await chainId(p, '127.0.0.3')).toMatch(/^failed: /);

    for (const connection of held.splice(0, 2)) connection.socket.destroy();
    await expect.poll(() => fx!.server.connectionCount, { timeout: 5_000 }).toBe(2);
    expect(await chainId(p, '127.0.0.3')).toBe('0x539');
  });
});

describe('RPC connection timeouts', () => {
  it('closes a connection that never sends a request', async () => {
    fx = await startServer({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const silent = await open(port(fx), '127.0.0.1');
    expect(await closedByServer(silent)).toBe(true);
  });

  it('answers 408 and closes a connection that sends its headers too slowly (slowloris)', async () => {
    fx = await startServer({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const slow = await open(port(fx), '127.0.0.1');
    slow.socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => slow.socket.write('X-Drip: 1\r\n'), 50);
    try {
      expect(await closedByServer(slow)).toBe(true);
    } finally {
      clearInterval(drip);
    }
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection after its last response', async () => {
    fx = await startServer({ keepAliveTimeoutMs: 100 });
    const idle = await open(port(fx), '127.0.0.1');
    idle.socket.write(CHAIN_ID_REQUEST);
    expect(await closedByServer(idle)).toBe(true);
    expect(idle.received()).toContain('"result":"0x539"');
  });
});

describe('connectionCap', () => {
  it('leaves the reserve of the open-file limit to the node', () => {
    expect(connectionCap(2048, 1024, 20_000)).toBe(2048);
    expect(connectionCap(2048, 1024, 2_048)).toBe(1024);
    expect(connectionCap(2048, 1024, 1_000)).toBe(1);
    expect(connectionCap(2048, 1024, undefined)).toBe(2048);
  });

  it.runIf(process.platform === 'linux')('reads the process limit on Linux', () => {
    expect(openFileLimit()).toBeGreaterThan(0);
  });
});

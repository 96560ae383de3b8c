// HTTP transport: routing, CORS, body limit, keep-alive.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_ID, type Fixture, post, startServer } from './helpers.ts';

const LIMIT = 1024;
let fx: Fixture;
let restricted: Fixture;

beforeAll(async () => {
  fx = await startServer({ maxBodyBytes: LIMIT });
  restricted = await startServer({ corsOrigins: ['https://explorer.example'] });
});
afterAll(async () => {
  await fx.server.stop();
  await restricted.server.stop();
});

const chainId = { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] };

/** Sends raw bytes and resolves with everything the server writes until it closes the socket. */
function raw(url: string, head: string, body: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head + body));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('routing', () => {
  it('GET /health returns 200 JSON', async () => {
    const res = await fetch(`${fx.url}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  // GET / is the block explorer's page now (test/rpc/explorer.test.ts); GET on any path the explorer
  // does not own, and other methods on any path, are still 405.
  it.each([
    ['GET', '/rpc'],
    ['PUT', '/'],
    ['DELETE', '/'],
  ])('%s %s is 405 with a JSON-RPC error', async (method, path) => {
    const res = await fetch(new URL(path, fx.url), { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(await res.json()).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('accepts any Content-Type (curl sends form encoding)', async () => {
    const res = await fetch(fx.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify(chainId),
    });
    expect(await res.json()).toMatchObject({ result: CHAIN_ID });
  });

  it('keeps connections alive', async () => {
    const { hostname, port } = new URL(fx.url);
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request({ hostname, port, method: 'POST' }, (res) => {
        res.resume();
        resolve(res.headers);
      });
      req.on('error', reject);
      req.end(JSON.stringify(chainId));
    });
    expect(headers.connection).toBe('keep-alive');
  });
});

describe('CORS', () => {
  it('answers a preflight from any origin by default', async () => {
    const res = await fetch(fx.url, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://wallet.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('marks actual responses as readable cross-origin', async () => {
    const res = await fetch(fx.url, {
      method: 'POST',
      headers: { Origin: 'https://x.example' },
      body: JSON.stringify(chainId),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('grants only listed origins when configured', async () => {
    const preflight = (origin: string) =>
      fetch(restricted.url, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
    const allowed = await preflight('https://explorer.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://explorer.example');
    expect(allowed.headers.get('vary')).toBe('Origin');
    const denied = await preflight('https://evil.example');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    expect(denied.headers.get('access-control-allow-methods')).toBeNull();
  });
});

describe('body limit', () => {
  it('413 with a JSON-RPC error for a body over the limit, then serves the next request', async () => {
    const res = await post(fx.url, 'x'.repeat(LIMIT + 1));
    expect(res.status).toBe(413);
    expect(res.json).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: `request body exceeds the limit of ${LIMIT} bytes` },
    });
    expect((await post(fx.url, chainId)).json).toMatchObject({ result: CHAIN_ID });
  });

  it('accepts a body exactly at the limit', async () => {
    const body = JSON.stringify(chainId);
    expect((await post(fx.url, body + ' '.repeat(LIMIT - body.length))).json).toMatchObject({
      result: CHAIN_ID,
    });
  });

  it('answers a declared oversized body without waiting for it, and closes the connection', async () => {
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`;
    const reply = await raw(fx.url, head, 'x'.repeat(2048));
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const chunk = 'x'.repeat(600);
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
    // Two chunks pass the limit; the body is never terminated, so only the limit can end the request.
    const body = `${(600).toString(16)}\r\n${chunk}\r\n`.repeat(2);
    const reply = await raw(fx.url, head, body);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect((await post(fx.url, chainId)).json).toMatchObject({ result: CHAIN_ID });
  });
});

// The RPC abuse limits of config.json reach the running node's server: defaults are the server's
// own, and a configured per-IP connection cap, work limit and subscription cap take effect.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../node/config.ts';
import { FILTER_DEFAULTS } from '../../rpc/eth/filters.ts';
import { RPC_DEFAULTS } from '../../rpc/server.ts';
import { SUBSCRIPTION_DEFAULTS } from '../../rpc/subscriptions.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';
import { WsClient } from '../rpc/helpers.ts';

describe('rpc limits in config.json', () => {
  it('default to what the server ships with', () => {
    const { rpc } = parseConfig({});
    expect(rpc).toMatchObject({
      maxConnections: RPC_DEFAULTS.maxConnections,
      maxConnectionsPerIp: RPC_DEFAULTS.maxConnectionsPerIp,
      reservedFileDescriptors: RPC_DEFAULTS.reservedFileDescriptors,
      headersTimeoutMs: RPC_DEFAULTS.headersTimeoutMs,
      requestTimeoutMs: RPC_DEFAULTS.requestTimeoutMs,
      keepAliveTimeoutMs: RPC_DEFAULTS.keepAliveTimeoutMs,
      maxResponseBytes: RPC_DEFAULTS.maxResponseBytes,
      maxRequestWork: RPC_DEFAULTS.maxRequestWork,
      maxInFlight: RPC_DEFAULTS.maxInFlight,
      wsMaxConnections: RPC_DEFAULTS.wsMaxConnections,
      wsMaxConnectionsPerIp: RPC_DEFAULTS.wsMaxConnectionsPerIp,
      wsMaxInFlight: RPC_DEFAULTS.wsMaxInFlight,
      wsMaxBufferedBytes: RPC_DEFAULTS.wsMaxBufferedBytes,
      wsMaxSubscriptionsPerConnection: SUBSCRIPTION_DEFAULTS.maxSubscriptionsPerConnection,
      wsMaxSubscriptionsPerIp: SUBSCRIPTION_DEFAULTS.maxSubscriptionsPerIp,
      maxFiltersPerIp: FILTER_DEFAULTS.maxFiltersPerClient,
      maxFilters: FILTER_DEFAULTS.maxFilters,
      filterTimeoutMs: FILTER_DEFAULTS.filterTimeoutMs,
    });
  });

  it('refuses a headers timeout longer than the request timeout, and caps of zero', () => {
    expect(() => parseConfig({ rpc: { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 } })).toThrow(
      /config\.rpc\.headersTimeoutMs: headersTimeoutMs must not exceed requestTimeoutMs/,
    );
    expect(() => parseConfig({ rpc: { maxConnectionsPerIp: 0 } })).toThrow(ConfigError);
  });
});

describe('a node started with rpc limits', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode({
      rpc: { maxConnectionsPerIp: 2, maxRequestWork: 1, wsMaxSubscriptionsPerIp: 1, maxFiltersPerIp: 1 },
    });
  });
  afterAll(() => node.stop());

  it('applies them', async () => {
    const { port } = new URL(node.url);
    const ws = new WsClient(node.url.replace('http', 'ws'));
    await ws.opened(); // connection 1 of 2
    try {
      // Logs, not newHeads: no transaction means no notification arrives between the answers.
      ws.send({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['logs', {}] });
      expect(await ws.next()).toHaveProperty('result');
      ws.send({ jsonrpc: '2.0', id: 2, method: 'eth_subscribe', params: ['logs', {}] });
      expect(await ws.next()).toMatchObject({
        error: { message: /too many subscriptions from this address/ },
      });
      // Two blocks of fee history are two units of work: over the limit of one.
      ws.send({ jsonrpc: '2.0', id: 3, method: 'eth_feeHistory', params: ['0x2', '0x1', []] });
      expect(await ws.next()).toMatchObject({ error: { message: /over the limit of 1 per request/ } });
      // Filters are counted per address, over WebSocket as over HTTP.
      ws.send({ jsonrpc: '2.0', id: 4, method: 'eth_newBlockFilter', params: [] });
      expect(await ws.next()).toHaveProperty('result');
      ws.send({ jsonrpc: '2.0', id: 5, method: 'eth_newBlockFilter', params: [] });
      expect(await ws.next()).toMatchObject({
        error: { message: /too many filters from this client \(max 1\)/ },
      });

      const second = connect({ port: Number(port), host: '127.0.0.1' }); // connection 2 of 2
      await new Promise((resolve) => second.once('connect', resolve));
      const third = connect({ port: Number(port), host: '127.0.0.1' });
      third.on('error', () => {});
      third.resume();
      await new Promise((resolve) => third.once('close', resolve));
      second.destroy();
    } finally {
      ws.close();
    }
  });
});

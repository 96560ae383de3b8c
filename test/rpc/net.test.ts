// net_, web3_ and rpc_modules against a whole in-process node: the network and client identity that
// wallets and tools read before anything else.
import { createPublicClient, http, keccak256, stringToHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_VERSION } from '../../node/version.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

describe('net_, web3_ and rpc_modules', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode();
  });
  afterAll(() => t.stop());

  async function rpc(method: string, params: unknown[] = []) {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
  }

  describe('net_version', () => {
    it('the chain id in decimal, as a string', async () => {
      expect(await rpc('net_version')).toMatchObject({ result: '1337' });
      expect((await rpc('eth_chainId')).result).toBe('0x539');
    });
    it('takes no parameters', async () => {
      expect((await rpc('net_version', [1])).error).toMatchObject({ code: -32602 });
    });
  });

  describe('net_listening', () => {
    it('true while the RPC server runs', async () => {
      expect(await rpc('net_listening')).toMatchObject({ result: true });
    });
  });

  describe('net_peerCount', () => {
    it('a hex quantity: no peers for a single node', async () => {
      expect(await rpc('net_peerCount')).toMatchObject({ result: '0x0' });
    });
  });

  describe('web3_clientVersion', () => {
    it('name/version/platform/runtime, like other clients', async () => {
      const { result } = await rpc('web3_clientVersion');
      expect(result).toBe(CLIENT_VERSION);
      expect(result).toMatch(/^openchain\/v\d+\.\d+\.\d+\/[a-z0-9]+-[a-z0-9]+\/node\d+\./);
      const client = createPublicClient({ transport: http(t.url, { retryCount: 0 }) });
      expect(await client.request({ method: 'web3_clientVersion' })).toBe(CLIENT_VERSION);
    });
  });

  describe('web3_sha3', () => {
    it('keccak-256 of the bytes (not of the hex text)', async () => {
      expect((await rpc('web3_sha3', ['0x68656c6c6f20776f726c64'])).result).toBe(
        '0x47173285a8d7341e5e972fc677286384f802f8ef42a5ec5f03bbfa254cb01fad',
      );
      expect((await rpc('web3_sha3', ['0x'])).result).toBe(
        '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470',
      );
      expect((await rpc('web3_sha3', [stringToHex('openchain')])).result).toBe(
        keccak256(stringToHex('openchain')),
      );
      expect((await rpc('web3_sha3', ['0xABCDEF'])).result).toBe(keccak256('0xabcdef'));
    });
    it('rejects what is not hex data', async () => {
      for (const bad of [['hello'], ['0x123'], ['0xgg'], [42], []])
        expect((await rpc('web3_sha3', bad)).error, JSON.stringify(bad)).toMatchObject({ code: -32602 });
    });
  });

  describe('rpc_modules', () => {
    it('every namespace the node serves, with a version', async () => {
      expect(await rpc('rpc_modules')).toMatchObject({
        result: { rpc: '1.0', eth: '1.0', net: '1.0', web3: '1.0', open: '1.0', txpool: '1.0' },
      });
    });
  });

  it('an unknown method of a known namespace is -32601', async () => {
    expect((await rpc('net_peers')).error).toEqual({
      code: -32601,
      message: 'the method net_peers does not exist/is not available',
    });
  });
});

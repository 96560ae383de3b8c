// JSON-RPC requests through the dispatch layer with the node's real namespaces over a real chain:
// arbitrary bodies, envelopes and parameters for every method get one well-formed JSON-RPC
// response per owed request, each a result or an error with a JSON-RPC code, and never -32603
// (internal error: an exception a handler did not turn into a clear error). Every fuzzed request
// carries an id, so each one is owed a response.
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../rpc/dispatch.ts';
import { ErrorCode } from '../../rpc/errors.ts';
import { ethModule } from '../../rpc/eth/index.ts';
import { netModule, web3Module } from '../../rpc/net.ts';
import { openModule } from '../../rpc/open.ts';
import { Registry } from '../../rpc/registry.ts';
import { RPC_DEFAULTS } from '../../rpc/server.ts';
import { openTestChain, type TestChain } from '../helpers/chain.ts';
import { budget, TIMEOUT_MS } from './budget.ts';

const idle = { syncing: false, startingBlock: 0, currentBlock: 0, highestBlock: 0 };
let t: TestChain;
let dispatcher: Dispatcher;
let methods: string[];

beforeAll(async () => {
  t = await openTestChain({
    alloc: [{ address: '0x00000000000000000000000000000000000a11ce', balance: 10n ** 20n }],
  });
  await t.produce();
  await t.produce();
  const modules = [
    ethModule(t.chain, () => idle),
    netModule(t.chain.chainId, () => 0),
    web3Module('fuzz/1.0'),
    openModule(t.chain, { nodeInfo: () => ({}), genesis: () => ({}), peers: () => [], syncing: () => idle }),
  ];
  methods = modules.flatMap((m) => Object.keys(m.methods));
  const registry = new Registry(modules);
  dispatcher = new Dispatcher(registry, {
    ...RPC_DEFAULTS,
    maxBatchLength: 20,
    logger: pino({ level: 'silent' }),
  });
  const listed = JSON.parse(
    (await dispatcher.handle('{"jsonrpc":"2.0","id":1,"method":"rpc_modules"}', {
      transport: 'http',
      remoteAddress: '127.0.0.1',
    }))!,
  );
  expect(Object.keys(listed.result)).toEqual(expect.arrayContaining(['eth', 'net', 'web3', 'open']));
}, 60_000);
afterAll(() => t.close());

const hex = (maxLength: number, minLength = 0) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength, maxLength }).map((h) => `0x${h}`);

/** Values shaped like Ethereum parameters, and anything else JSON can hold. */
const param = fc.oneof(
  fc.constantFrom(
    'latest',
    'earliest',
    'pending',
    'safe',
    'finalized',
    '0x0',
    '0x1',
    '0x2',
    '0xffffffffffffffff',
    '0x',
  ),
  hex(70),
  fc.record({
    fromBlock: fc.constantFrom('0x0', 'latest'),
    toBlock: fc.constantFrom('0x2', 'latest'),
    address: fc.constant('0x00000000000000000000000000000000000a11ce'),
    topics: fc.array(fc.oneof(fc.constant(null), hex(64, 64)), { maxLength: 3 }),
  }),
  fc.record(
    {
      to: fc.constantFrom(
        '0x0000000000000000000000000000000000000a77',
        '0x00000000000000000000000000000000000a11ce',
      ),
      data: hex(80),
      value: fc.constantFrom('0x0', '0x1'),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

function checkResponse(text: string | undefined, owed: number): void {
  if (owed === 0) {
    expect(text).toBeUndefined();
    return;
  }
  const parsed = JSON.parse(text!);
  const responses = Array.isArray(parsed) ? parsed : [parsed];
  expect(responses.length).toBe(owed);
  for (const r of responses) {
    expect(r.jsonrpc).toBe('2.0');
    if ('error' in r) {
      expect(Number.isInteger(r.error.code)).toBe(true);
      expect(r.error.code, JSON.stringify(r)).not.toBe(ErrorCode.InternalError);
      expect(typeof r.error.message).toBe('string');
    } else expect(r).toHaveProperty('result');
  }
}

describe('fuzz: JSON-RPC dispatch', () => {
  const knownMethod = () => fc.constantFrom(...methods, 'eth_nope', 'rpc_modules', '');

  it('arbitrary bodies get a JSON-RPC error, never an exception', { timeout: TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 4 })), async (body) => {
        const text = await dispatcher.handle(body, { transport: 'http', remoteAddress: '127.0.0.1' });
        if (text !== undefined) JSON.parse(text);
      }),
      budget(100),
    );
  });

  it('every method with fuzzed parameters answers a result or a clear error', {
    timeout: TIMEOUT_MS,
  }, async () => {
    expect(methods.length).toBeGreaterThan(20);
    const request = fc.record({
      jsonrpc: fc.constantFrom('2.0', '2.0', '2.0', '1.0'),
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)),
      method: knownMethod(),
      params: fc.oneof(fc.array(param, { maxLength: 4 }), param),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(request, fc.array(request, { minLength: 1, maxLength: 5 })), async (body) => {
        const text = await dispatcher.handle(JSON.stringify(body), {
          transport: 'http',
          remoteAddress: '127.0.0.1',
        });
        checkResponse(text, Array.isArray(body) ? body.length : 1);
      }),
      budget(200),
    );
  });
});

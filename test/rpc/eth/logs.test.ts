// eth_getLogs: logs of committed blocks by block range or block hash, address and topics, with the
// position fields of each log; empty ranges give [], bad ranges and conflicting filters an error.

import { pino } from 'pino';
import { type Hex, keccak256, parseAbiItem } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../../rpc/dispatch.ts';
import { logMethods, MAX_LOG_RANGE } from '../../../rpc/eth/logs.ts';
import { Registry } from '../../../rpc/registry.ts';
import { RPC_DEFAULTS } from '../../../rpc/server.ts';
import type { Chain } from '../../../state/chain.ts';
import {
  addressTopic,
  hex,
  PING_FAIL,
  PING_MODULE,
  PING_TOPIC,
  pingData,
  type RpcChain,
  STRANGER,
  startRpcChain,
} from './fixture.ts';

interface LogJson {
  address: Hex;
  topics: Hex[];
  data: Hex;
  blockHash: Hex;
  blockNumber: Hex;
  transactionHash: Hex;
  transactionIndex: Hex;
  logIndex: Hex;
  removed: boolean;
}

const OTHER_TOPIC = keccak256(new TextEncoder().encode('Pong(address)'));

describe('eth_getLogs', () => {
  let fx: RpcChain;
  /** Logs by the sender's account index: 0 and 1 in block 1, 2 in block 3. */
  let logs: LogJson[];
  let blockHashes: Hex[];

  beforeAll(async () => {
    fx = await startRpcChain();
    const raws = [
      await fx.sign(0, { nonce: 0, to: PING_MODULE, data: '0x01', gas: 60_000n }),
      await fx.sign(1, { nonce: 0, to: PING_MODULE, data: '0x0202', gas: 60_000n }),
      await fx.sign(3, { nonce: 0 }), // a plain transfer: no log
    ];
    for (const raw of raws) await fx.call('eth_sendRawTransaction', [raw]);
    const b1 = await fx.produce();
    const b2 = await fx.produce();
    const third = await fx.sign(2, { nonce: 0, to: PING_MODULE, data: '0x030303', gas: 60_000n });
    await fx.call('eth_sendRawTransaction', [third]);
    await fx.send(3, { nonce: 1, to: PING_MODULE, data: PING_FAIL, gas: 60_000n }); // fails: no log
    const b3 = await fx.produce();
    blockHashes = [b1.hash, b2.hash, b3.hash];

    // Expected logs, positioned by the order the block builder chose.
    const positioned = (
      block: typeof b1,
      height: number,
      raw: Hex,
      sender: number,
      calldata: Hex,
    ): LogJson => {
      const order = block.block.txs.map((t) => keccak256(t));
      const txIndex = order.indexOf(keccak256(raw));
      const earlierLogs = order
        .slice(0, txIndex)
        .filter((h) => h === keccak256(raws[0]!) || h === keccak256(raws[1]!)).length;
      return {
        address: PING_MODULE,
        topics: [PING_TOPIC, addressTopic(fx.accounts[sender]!.address)],
        data: pingData(calldata),
        blockHash: block.hash,
        blockNumber: hex(height),
        transactionHash: keccak256(raw),
        transactionIndex: hex(txIndex),
        logIndex: hex(height === 1 ? earlierLogs : 0),
        removed: false,
      };
    };
    logs = [
      positioned(b1, 1, raws[0]!, 0, '0x01'),
      positioned(b1, 1, raws[1]!, 1, '0x0202'),
      positioned(b3, 3, third, 2, '0x030303'),
    ];
  });
  afterAll(() => fx.stop());

  const getLogs = (filter: Record<string, unknown>) => fx.call<LogJson[]>('eth_getLogs', [filter]);
  const block1Logs = () => [...logs.slice(0, 2)].sort((a, b) => Number(a.logIndex) - Number(b.logIndex));

  it('the whole chain: every log, in block and log order, with its position fields', async () => {
    expect(await getLogs({ fromBlock: '0x0', toBlock: 'latest' })).toEqual([...block1Logs(), logs[2]]);
    expect(await getLogs({ fromBlock: 'earliest', toBlock: '0x3' })).toEqual([...block1Logs(), logs[2]]);
  });

  it('without a range: the latest block only', async () => {
    expect(await getLogs({})).toEqual([logs[2]]);
    expect(await getLogs({ fromBlock: 'latest' })).toEqual([logs[2]]);
    expect(await getLogs({ toBlock: 'latest', fromBlock: null })).toEqual([logs[2]]);
  });

  it('empty results: an empty block, a range without logs, a block past the head', async () => {
    expect(await getLogs({ fromBlock: '0x2', toBlock: '0x2' })).toEqual([]);
    expect(await getLogs({ fromBlock: '0x0', toBlock: '0x0' })).toEqual([]);
    expect(await getLogs({ fromBlock: '0x4', toBlock: '0x9' })).toEqual([]);
    expect(await getLogs({ blockHash: blockHashes[1] })).toEqual([]);
  });

  it('a range reaching past the head is clipped to it', async () => {
    expect(await getLogs({ fromBlock: '0x3', toBlock: '0x100' })).toEqual([logs[2]]);
  });

  it('by address: one, several, none matching', async () => {
    expect(await getLogs({ fromBlock: '0x1', toBlock: '0x1', address: PING_MODULE })).toEqual(block1Logs());
    expect(await getLogs({ fromBlock: '0x0', address: [STRANGER, PING_MODULE] })).toHaveLength(3);
    expect(
      await getLogs({ fromBlock: '0x0', address: PING_MODULE.toUpperCase().replace('0X', '0x') }),
    ).toHaveLength(3);
    expect(await getLogs({ fromBlock: '0x0', address: STRANGER })).toEqual([]);
    expect(await getLogs({ fromBlock: '0x0', address: [] })).toHaveLength(3);
  });

  it('by topics: position, wildcard, OR within a position, arity', async () => {
    const t = (i: number) => addressTopic(fx.accounts[i]!.address);
    expect(await getLogs({ fromBlock: '0x0', topics: [PING_TOPIC] })).toHaveLength(3);
    expect(await getLogs({ fromBlock: '0x0', topics: [null, t(1)] })).toEqual([logs[1]]);
    expect(await getLogs({ fromBlock: '0x0', topics: [PING_TOPIC, [t(0), t(2)]] })).toEqual([
      logs[0],
      logs[2],
    ]);
    expect(await getLogs({ fromBlock: '0x0', topics: [[OTHER_TOPIC, PING_TOPIC]] })).toHaveLength(3);
    expect(await getLogs({ fromBlock: '0x0', topics: [[], t(2)] })).toEqual([logs[2]]);
    expect(await getLogs({ fromBlock: '0x0', topics: [OTHER_TOPIC] })).toEqual([]);
    expect(await getLogs({ fromBlock: '0x0', topics: [t(0)] })).toEqual([]);
    // More positions than the log has topics never match, as in geth, even as wildcards.
    expect(await getLogs({ fromBlock: '0x0', topics: [PING_TOPIC, null, null] })).toEqual([]);
    expect(await getLogs({ fromBlock: '0x0', topics: [] })).toHaveLength(3);
  });

  it('by block hash', async () => {
    expect(await getLogs({ blockHash: blockHashes[0] })).toEqual(block1Logs());
    expect(await getLogs({ blockHash: blockHashes[2], address: PING_MODULE, topics: [PING_TOPIC] })).toEqual([
      logs[2],
    ]);
    expect(await fx.error('eth_getLogs', [{ blockHash: `0x${'42'.repeat(32)}` }])).toEqual({
      code: -32000,
      message: 'unknown block',
    });
  });

  it('blockHash together with fromBlock/toBlock is refused', async () => {
    for (const extra of [{ fromBlock: '0x1' }, { toBlock: 'latest' }]) {
      expect(await fx.error('eth_getLogs', [{ blockHash: blockHashes[0], ...extra }])).toEqual({
        code: -32602,
        message: 'invalid argument 0: cannot specify both blockHash and fromBlock/toBlock',
      });
    }
  });

  it('fromBlock after toBlock is refused', async () => {
    expect(await fx.error('eth_getLogs', [{ fromBlock: '0x3', toBlock: '0x1' }])).toEqual({
      code: -32602,
      message: 'invalid block range: fromBlock is after toBlock',
    });
  });

  it(`a range of more than ${MAX_LOG_RANGE} blocks is refused`, async () => {
    // Needs a chain longer than the limit: the method is served over a stub head, through the same
    // dispatcher the server uses (the check runs before any block is read).
    const head = MAX_LOG_RANGE + 5;
    const stub = { head: { header: { height: head } } } as unknown as Chain;
    const dispatcher = new Dispatcher(new Registry([{ namespace: 'eth', methods: logMethods(stub) }]), {
      ...RPC_DEFAULTS,
      maxBatchLength: 10,
      logger: pino({ level: 'silent' }),
    });
    const request = (filter: unknown) =>
      dispatcher.handle(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getLogs', params: [filter] }), {
        transport: 'http',
        remoteAddress: '127.0.0.1',
      });
    const tooLarge = {
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32000, message: `block range too large: at most ${MAX_LOG_RANGE} blocks per query` },
    };
    expect(JSON.parse((await request({ fromBlock: '0x0', toBlock: 'latest' }))!)).toEqual(tooLarge);
    expect(JSON.parse((await request({ fromBlock: '0x4', toBlock: hex(head) }))!)).toEqual(tooLarge);
  });

  it('viem getLogs decodes the module event', async () => {
    const event = parseAbiItem('event Ping(address indexed from, bytes data)');
    const decoded = await fx
      .publicClient()
      .getLogs({ address: PING_MODULE, event, fromBlock: 0n, toBlock: 'latest' });
    // Sender (account i) and calldata of each log, in the node's order.
    const calldata = ['0x01', '0x0202', '0x030303'];
    const expected = [...block1Logs(), logs[2]!].map((l) => {
      const i = logs.indexOf(l);
      return [fx.accounts[i]!.address, calldata[i], BigInt(l.blockNumber), l.transactionHash];
    });
    expect(decoded.map((l) => [l.args.from, l.args.data, l.blockNumber, l.transactionHash])).toEqual(
      expected,
    );
    const byArg = await fx
      .publicClient()
      .getLogs({ event, args: { from: fx.accounts[1]!.address }, fromBlock: 0n });
    expect(byArg.map((l) => l.transactionHash)).toEqual([logs[1]!.transactionHash]);
  });

  it('rejects malformed filters with -32602', async () => {
    const cases: unknown[] = [
      'latest',
      { fromBlock: 1 },
      { address: '0x12' },
      { topics: ['0x12'] },
      { topics: [null, null, null, null, null] },
      { blockHash: '0x12' },
    ];
    for (const filter of cases)
      expect(await fx.error('eth_getLogs', [filter]), JSON.stringify(filter)).toMatchObject({ code: -32602 });
    expect(await fx.error('eth_getLogs', [])).toMatchObject({ code: -32602 });
  });
});

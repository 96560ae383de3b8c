// Proposal-end events over JSON-RPC on an in-process node with a 3-block voting period: pushed by
// open_subscribe("gov") as the block commits, served by open_getBlockEvents in eth_getLogs' log form
// (decodable with viem and the module's ABI) plus their decoding, and left out of eth_getLogs,
// whose logs each belong to a transaction. The node makes blocks only for transactions, so the test
// decides which block each lands in (with empty blocks every 100 ms, a vote slowed by a loaded
// machine landed in the period's last block, which the test needs to differ from the vote's).
import { decodeEventLog, encodeFunctionData, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOV_ADDRESS, govAbi } from '../../../state/modules/gov/index.ts';
import { startTestNode, type TestNode } from '../../helpers/node.ts';
import { WsClient } from '../helpers.ts';

const OPEN = 10n ** 18n;
const hex = (n: bigint) => `0x${n.toString(16)}`;

interface Message {
  id?: number;
  result?: unknown;
  method?: string;
  params?: { subscription: string; result: Record<string, unknown> };
}

describe('proposal-end events over JSON-RPC', () => {
  let t: TestNode;
  let client: WsClient;
  const call = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return ((await res.json()) as { result: T }).result;
  };
  /** Sends from dev account `from` and waits for the receipt. */
  const sendTx = async (from: number, tx: { to: Hex; data?: Hex; value: bigint }) => {
    const wallet = t.walletClient(from);
    const hash = await wallet.sendTransaction({ chain: t.viemChain, account: wallet.account!, ...tx });
    return t.publicClient().waitForTransactionReceipt({ hash });
  };
  const send = (from: number, functionName: string, args: readonly unknown[], value = 0n) =>
    sendTx(from, {
      to: GOV_ADDRESS,
      data: encodeFunctionData({ abi: govAbi, functionName, args } as never),
      value,
    });

  beforeAll(async () => {
    t = await startTestNode({
      accounts: 2,
      createEmptyBlocks: false,
      gov: { params: { votingPeriodBlocks: 3 } },
    });
    client = new WsClient(t.url.replace('http', 'ws'));
    await client.opened();
  }, 60_000);
  afterAll(async () => {
    client?.close();
    await t?.stop();
  });

  it('pushes a veto and its burned deposit, serves them by block, and keeps them out of eth_getLogs', async () => {
    client.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'open_subscribe',
      params: ['gov', { events: ['ProposalEnded', 'DepositsBurned', 'DepositsRefunded'] }],
    });
    const { result: subscription } = (await client.next()) as Message;
    expect(subscription).toMatch(/^0x[0-9a-f]{32}$/);
    const submitted = await send(1, 'submitText', ['vetoed', ''], 100n * OPEN);
    // Account 0 operates the only validator: all the stake vetoes, in the next block.
    const voted = await send(0, 'vote', [1n, 4]);
    expect(voted.blockNumber).toBe(submitted.blockNumber + 1n);
    // Two more blocks end the voting period: a transfer each, to account 1 itself.
    for (let i = 0; i < 2; i++) await sendTx(1, { to: t.accounts[1]!.address, value: 1n });
    const ended = (await client.next()) as Message;
    const burned = (await client.next()) as Message;
    expect(ended.method).toBe('open_subscription');
    const at = ended.params!.result;
    expect(at).toMatchObject({
      module: 'gov',
      event: 'ProposalEnded',
      args: { id: '0x1', status: 'vetoed', failure: '' },
      transactionHash: null,
    });
    expect(BigInt(at['blockNumber'] as string)).toBe(submitted.blockNumber + 3n);
    expect(burned.params!.subscription).toBe(subscription);
    expect(burned.params!.result).toMatchObject({
      event: 'DepositsBurned',
      args: { id: '0x1', amount: hex(100n * OPEN) },
      blockNumber: at['blockNumber'],
      logIndex: hex(BigInt(at['logIndex'] as string) + 1n),
    });

    // By block: the log fields viem decodes, then the same decoding the subscription sent.
    const events = await call<Record<string, unknown>[]>('open_getBlockEvents', [at['blockNumber']]);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      address: GOV_ADDRESS,
      topics: expect.any(Array),
      data: expect.stringMatching(/^0x/),
      blockHash: at['blockHash'],
      blockNumber: at['blockNumber'],
      transactionHash: null,
      transactionIndex: null,
      logIndex: at['logIndex'],
      removed: false,
      ...at,
    });
    const decoded = decodeEventLog({
      abi: govAbi,
      topics: events[1]!['topics'] as [Hex],
      data: events[1]!['data'] as Hex,
    });
    expect(decoded).toEqual({ eventName: 'DepositsBurned', args: { id: 1n, amount: 100n * OPEN } });
    expect(await call('open_getBlockEvents', [hex(voted.blockNumber)])).toEqual([]);

    // eth_getLogs: the transactions' events only (each names its transaction).
    const logs = await t.publicClient().getLogs({ address: GOV_ADDRESS, fromBlock: 0n, toBlock: 'latest' });
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((l) => l.transactionHash !== null)).toBe(true);
    expect(logs.map((l) => l.blockNumber)).not.toContain(BigInt(at['blockNumber'] as string));
  });
});

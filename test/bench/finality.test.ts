// The load generator's path against a real node (in-process, real LevelDB and RPC server): batches
// admitted, every transaction seen final in a block, receipts checked; and how sendBatch treats a
// rejection and a reset connection (a real HTTP server on loopback that drops a request).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmReceipts, FinalityWatcher } from '../../bench/finality.ts';
import { batchBody, sendBatch, signTransfers } from '../../bench/load.ts';
import { hexToBytes } from '../../core/bytes.ts';
import { startTestNode, type TestNode } from '../helpers/node.ts';

describe('FinalityWatcher and confirmReceipts on a node', () => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestNode({ accounts: 3 });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('stamps every transaction of a batch when its block is seen, then finds every receipt', async () => {
    const senders = t.accounts.map((a) => ({ key: hexToBytes(a.privateKey), nonce: 0 }));
    const txs = signTransfers(senders, 2, 1337n);
    const watcher = await FinalityWatcher.start(t.url, 10);
    try {
      const body = batchBody(txs.map((x) => x.rawHex));
      expect(await sendBatch(t.url, body)).toBe(0);
      const hashes = txs.map((x) => x.hash);
      await watcher.waitFor(hashes, 30_000);
      expect(hashes.every((h) => watcher.finalAt.has(h))).toBe(true);
      expect(watcher.blocks.reduce((n, b) => n + b.txs, 0)).toBeGreaterThanOrEqual(txs.length);
      await confirmReceipts(t.url, hashes, 4);
      // Sent again, every one is rejected (known or nonce used), and sendBatch says so.
      await expect(sendBatch(t.url, body)).rejects.toThrow(/6 of 6 transactions rejected/);
      const unknown = `0x${'11'.repeat(32)}` as const;
      await expect(confirmReceipts(t.url, [...hashes, unknown])).rejects.toThrow(`no receipt for ${unknown}`);
      await expect(watcher.waitFor([unknown], 50)).rejects.toThrow(
        '1 of 1 transactions not final after 50 ms',
      );
    } finally {
      await watcher.stop();
    }
  });
});

describe('sendBatch after a reset connection', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  let resets = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      if (resets > 0) {
        resets--;
        req.socket.destroy();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify([{ error: { message: 'already known' } }, { result: '0x01' }]));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends again, and counts "already known" as accepted only on a retry', async () => {
    requests = 0;
    resets = 1;
    expect(await sendBatch(url, '[]', 2)).toBe(1);
    expect(requests).toBe(2);
    await expect(sendBatch(url, '[]', 2)).rejects.toThrow(
      '1 of 2 transactions rejected (first: already known)',
    );
  });

  it('gives up after its retries, naming the cause', async () => {
    requests = 0;
    resets = 3;
    await expect(sendBatch(url, '[]', 1)).rejects.toThrow(`POST ${url}:`);
    expect(requests).toBe(2);
    resets = 0;
  });
});

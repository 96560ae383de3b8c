// When transactions become final on a node, read from the blocks themselves: the node's head is
// polled, every new block's transaction hashes are read (eth_getBlockByNumber), and each hash is
// stamped with the time its block was first seen. It works alike on any Ethereum JSON-RPC node (a
// devnet validator, a single validator, anvil), so the same clock stops for every system compared.
// After the timed part, `confirmReceipts` checks every transaction's receipt: included and successful.
import type { Hex } from '../core/bytes.ts';
import { blockNumber, post } from './load.ts';

const hexHeight = (h: number) => `0x${h.toString(16)}`;

export class FinalityWatcher {
  /** Transaction hash → performance.now() when the block holding it was first seen. */
  readonly finalAt = new Map<Hex, number>();
  /** Every block seen since the start: height, when, and its transaction count. */
  readonly blocks: { height: number; at: number; txs: number }[] = [];
  readonly #url: string;
  readonly #pollMs: number;
  #next: number;
  #stopped = false;
  #error: Error | undefined;
  #loop: Promise<void> = Promise.resolve();

  private constructor(url: string, next: number, pollMs: number) {
    this.#url = url;
    this.#next = next;
    this.#pollMs = pollMs;
  }

  /** Watches `url` from the block after its current head, polling every `pollMs`. */
  static async start(url: string, pollMs = 20): Promise<FinalityWatcher> {
    const head = await blockNumber(url);
    const watcher = new FinalityWatcher(url, head + 1, pollMs);
    watcher.#loop = watcher.#run().catch((err: Error) => {
      watcher.#error = err;
    });
    return watcher;
  }

  async #run(): Promise<void> {
    // Reads are idempotent: a busy node dropping one poll is retried; a node that keeps failing is not.
    for (let failures = 0; !this.#stopped; ) {
      try {
        await this.#poll();
        failures = 0;
      } catch (err) {
        if (++failures >= 5) throw err;
      }
      await new Promise((r) => setTimeout(r, this.#pollMs));
    }
  }

  async #poll(): Promise<void> {
    const head = await blockNumber(this.#url);
    const seen = performance.now();
    if (head >= this.#next) {
      const heights = Array.from({ length: head - this.#next + 1 }, (_, i) => this.#next + i);
      const replies = await post<{ id: number; result: { transactions: Hex[] } | null }[]>(
        this.#url,
        JSON.stringify(
          heights.map((h) => ({
            jsonrpc: '2.0',
            id: h,
            method: 'eth_getBlockByNumber',
            params: [hexHeight(h), false],
          })),
        ),
      );
      for (const reply of replies.sort((a, b) => a.id - b.id)) {
        if (!reply.result) throw new Error(`block ${reply.id} announced but not served`);
        this.blocks.push({ height: reply.id, at: seen, txs: reply.result.transactions.length });
        for (const hash of reply.result.transactions)
          if (!this.finalAt.has(hash)) this.finalAt.set(hash, seen);
      }
      this.#next = head + 1;
    }
  }

  /** Resolves when every hash is in a seen block; rejects on timeout or if polling failed. */
  async waitFor(hashes: readonly Hex[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let from = 0;
    for (;;) {
      while (from < hashes.length && this.finalAt.has(hashes[from]!)) from++;
      if (from === hashes.length) return;
      if (this.#error) throw this.#error;
      if (performance.now() > deadline)
        throw new Error(
          `${hashes.length - from} of ${hashes.length} transactions not final after ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, this.#pollMs));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }
}

/** Every hash has a receipt with status 1 (checked in batches of `batch`); throws otherwise. */
export async function confirmReceipts(url: string, hashes: readonly Hex[], batch = 500): Promise<void> {
  for (let i = 0; i < hashes.length; i += batch) {
    const slice = hashes.slice(i, i + batch);
    const replies = await post<{ id: number; result: { status: Hex } | null }[]>(
      url,
      JSON.stringify(
        slice.map((hash, j) => ({
          jsonrpc: '2.0',
          id: j,
          method: 'eth_getTransactionReceipt',
          params: [hash],
        })),
      ),
    );
    for (const reply of replies) {
      if (!reply.result) throw new Error(`no receipt for ${slice[reply.id]}`);
      if (Number(reply.result.status) !== 1) throw new Error(`transaction ${slice[reply.id]} failed`);
    }
  }
}

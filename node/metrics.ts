// Prometheus metrics (prom-client), served on their own port so the RPC port can stay public.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CallEvent } from '../rpc/dispatch.ts';
import type { Chain } from '../state/chain.ts';

export class NodeMetrics {
  readonly registry = new Registry();
  readonly height = new Gauge({
    name: 'openchain_block_height',
    help: 'Height of the last committed block',
    registers: [this.registry],
  });
  readonly txsCommitted = new Counter({
    name: 'openchain_txs_committed_total',
    help: 'Transactions committed in blocks',
    registers: [this.registry],
  });
  readonly blockTxs = new Histogram({
    name: 'openchain_block_txs',
    help: 'Transactions per committed block',
    buckets: [0, 1, 10, 100, 1000, 5000, 10000, 20000],
    registers: [this.registry],
  });
  readonly mempoolPending = new Gauge({
    name: 'openchain_mempool_pending',
    help: 'Executable transactions in the mempool',
    registers: [this.registry],
  });
  readonly mempoolQueued = new Gauge({
    name: 'openchain_mempool_queued',
    help: 'Transactions waiting for a lower nonce',
    registers: [this.registry],
  });
  readonly rpcCalls = new Counter({
    name: 'openchain_rpc_calls_total',
    help: 'JSON-RPC calls by method and outcome',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly rpcDuration = new Histogram({
    name: 'openchain_rpc_duration_seconds',
    help: 'JSON-RPC call duration',
    labelNames: ['method'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly treeCachedNodes = new Gauge({
    name: 'openchain_state_tree_cached_nodes',
    help: 'Decoded state tree nodes held in memory (about 1.5 KB each; the cache holds at most 100,000)',
    registers: [this.registry],
  });
  #server: Server | undefined;

  /** Updates the chain gauges on every commit. */
  watch(chain: Chain): void {
    chain.onCommit(({ block }) => {
      this.height.set(block.header.height);
      this.txsCommitted.inc(block.txs.length);
      this.blockTxs.observe(block.txs.length);
      const stats = chain.mempool.stats();
      this.mempoolPending.set(stats.pending);
      this.mempoolQueued.set(stats.queued);
      this.treeCachedNodes.set(chain.state.treeCachedNodes);
    });
  }

  onRpcCall = (event: CallEvent): void => {
    const name = event.method ?? 'unknown';
    this.rpcCalls.inc({
      method: name,
      outcome: event.errorCode === undefined ? 'ok' : String(event.errorCode),
    });
    this.rpcDuration.observe({ method: name }, event.durationMs / 1000);
  };

  /**
   * Serves /metrics, with prom-client's process metrics (CPU, memory, event-loop lag). Those start
   * only here: the lag gauges keep a timer that wakes the event loop every `eventLoopSampleMs`,
   * which a node nobody scrapes should not pay for.
   */
  async serve(host: string, port: number, eventLoopSampleMs: number): Promise<string> {
    this.#server = createServer(async (req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': this.registry.contentType }).end(await this.registry.metrics());
    });
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject).listen(port, host, () => resolve());
    });
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'openchain_process_',
      eventLoopMonitoringPrecision: eventLoopSampleMs,
    });
    const addr = this.#server.address() as AddressInfo;
    return `http://${host}:${addr.port}/metrics`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

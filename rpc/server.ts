// The JSON-RPC server: one node:http server on one port, serving HTTP POST and WebSocket upgrades
// from the same registry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { type CallEvent, Dispatcher } from './dispatch.ts';
import { createHttpHandler } from './http.ts';
import type { Registry } from './registry.ts';
import { WsTransport } from './ws.ts';

export interface RpcServerSettings {
  host: string;
  /** 0 picks a free port (tests); start() reports the one bound. */
  port: number;
  /** Larger HTTP bodies get 413 and the connection is closed without reading the rest. */
  maxBodyBytes: number;
  /** Larger batches get one -32600 error. */
  maxBatchLength: number;
  /** Larger WebSocket messages close the connection with 1009. */
  wsMaxMessageBytes: number;
  /** A client with more than this queued and unsent is disconnected (it stopped reading). */
  wsMaxBufferedBytes: number;
  /** Ping period; a connection that misses a pong for a whole period is dropped. 0 disables. */
  wsPingIntervalMs: number;
  /** Allowed browser origins; ['*'] allows any, [] none. */
  corsOrigins: readonly string[];
}

export const RPC_DEFAULTS: Readonly<RpcServerSettings> = {
  host: '127.0.0.1',
  port: 8545,
  maxBodyBytes: 10 * 1024 * 1024,
  maxBatchLength: 10_000,
  wsMaxMessageBytes: 10 * 1024 * 1024,
  wsMaxBufferedBytes: 16 * 1024 * 1024,
  wsPingIntervalMs: 30_000,
  corsOrigins: ['*'],
};

export interface RpcServerOptions extends Partial<RpcServerSettings> {
  /** Defaults to a silent logger. */
  logger?: Logger;
  /** Called once per request (per batch element) after it finishes, for metrics. */
  onCall?: (event: CallEvent) => void;
}

/** How long stop() lets in-flight requests and WebSocket close handshakes finish before cutting them. */
const SHUTDOWN_GRACE_MS = 2_000;

export class RpcServer {
  readonly #server: Server;
  readonly #ws: WsTransport;
  readonly #logger: Logger;
  readonly #host: string;
  readonly #port: number;
  #stopping = false;

  constructor(registry: Registry, options: RpcServerOptions = {}) {
    // Undefined options (unset config fields) must not override defaults, so they are dropped first.
    const set = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
    const config: RpcServerSettings = { ...RPC_DEFAULTS, ...set };
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#host = config.host;
    this.#port = config.port;
    const dispatcher = new Dispatcher(registry, {
      maxBatchLength: config.maxBatchLength,
      logger: this.#logger,
      onCall: options.onCall,
    });
    const common = { corsOrigins: config.corsOrigins, logger: this.#logger };
    // HTTP keep-alive is on by default in node:http; load generators reuse connections.
    this.#server = createServer(
      createHttpHandler(dispatcher, {
        ...common,
        maxBodyBytes: config.maxBodyBytes,
        stopping: () => this.#stopping,
      }),
    );
    this.#ws = new WsTransport(dispatcher, {
      ...common,
      maxMessageBytes: config.wsMaxMessageBytes,
      maxBufferedBytes: config.wsMaxBufferedBytes,
      pingIntervalMs: config.wsPingIntervalMs,
    });
    this.#server.on('upgrade', (req, socket, head) => this.#ws.handleUpgrade(req, socket, head));
  }

  /** Binds and resolves with the HTTP and WebSocket URLs (same host and port). */
  start(): Promise<{ url: string; wsUrl: string }> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, this.#host, () => {
        this.#server.off('error', reject);
        const { address, port } = this.#server.address() as AddressInfo;
        const host = address.includes(':') ? `[${address}]` : address;
        const urls = { url: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}` };
        this.#logger.info(urls, 'JSON-RPC server listening');
        resolve(urls);
      });
    });
  }

  /** Stops accepting, lets in-flight work finish for a short grace period, then closes everything. */
  stop(): Promise<void> {
    this.#stopping = true;
    return new Promise((resolve, reject) => {
      const force = setTimeout(() => {
        this.#server.closeAllConnections();
        this.#ws.terminate();
      }, SHUTDOWN_GRACE_MS);
      this.#server.close((err) => {
        clearTimeout(force);
        if (err) reject(err);
        else resolve();
      });
      this.#server.closeIdleConnections();
      this.#ws.close();
    });
  }
}

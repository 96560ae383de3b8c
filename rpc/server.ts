// The JSON-RPC server: one node:http server on one port, serving HTTP POST and WebSocket upgrades
// from the same registry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Logger, pino } from 'pino';
import { ConnectionLimiter } from './connectionLimiter.ts';
import { type CallEvent, Dispatcher } from './dispatch.ts';
import { connectionCap, openFileLimit } from './fileLimit.ts';
import { createHttpHandler } from './http.ts';
import type { Registry } from './registry.ts';
import { WsTransport } from './ws.ts';

export interface RpcServerSettings {
  host: string;
  /** 0 picks a free port (tests); start() reports the one bound. */
  port: number;
  /**
   * Open TCP connections (HTTP and WebSocket); more are closed at once. Lowered at start to leave
   * `reservedFileDescriptors` of the process's open-file limit to the node.
   */
  maxConnections: number;
  /** Open TCP connections from one IP address; more are closed at once. */
  maxConnectionsPerIp: number;
  /** File descriptors the connection cap leaves for the database, WAL, signing guard and p2p. */
  reservedFileDescriptors: number;
  /** A connection that has not sent complete request headers this long after it opened or after its
   * previous response (slowloris, idle sockets) gets 408 and is closed. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (headers and body); then 408 and close. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Larger HTTP bodies get 413 and the connection is closed without reading the rest. */
  maxBodyBytes: number;
  /** Larger batches get one -32600 error. */
  maxBatchLength: number;
  /** The responses to one HTTP body or WebSocket message; calls past it get -32003. */
  maxResponseBytes: number;
  /** Work units (eth_getLogs blocks × terms, eth_feeHistory blocks × percentiles) per body or message. */
  maxRequestWork: number;
  /** HTTP bodies and WebSocket messages handled at once over all connections; more get -32005. */
  maxInFlight: number;
  /** Open WebSocket connections (also counted in maxConnections); more upgrades get 503. */
  wsMaxConnections: number;
  /** Open WebSocket connections from one IP address; more upgrades get 429. */
  wsMaxConnectionsPerIp: number;
  /** Messages of one WebSocket handled at once; past it the server stops reading from that socket. */
  wsMaxInFlight: number;
  /** Larger WebSocket messages close the connection with 1009. */
  wsMaxMessageBytes: number;
  /** A client with more than this queued and unsent is disconnected with 1008 (it stopped reading). */
  wsMaxBufferedBytes: number;
  /** Ping period; a connection that misses a pong for a whole period is dropped. 0 disables. */
  wsPingIntervalMs: number;
  /** Allowed browser origins; ['*'] allows any, [] none. */
  corsOrigins: readonly string[];
}

export const RPC_DEFAULTS: Readonly<RpcServerSettings> = {
  host: '127.0.0.1',
  port: 8545,
  maxConnections: 2_048,
  maxConnectionsPerIp: 256,
  reservedFileDescriptors: 1_024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxBatchLength: 10_000,
  // geth's BatchResponseMaxSize.
  maxResponseBytes: 25 * 1000 * 1000,
  // One eth_getLogs over the widest range (10,000 blocks) with the widest filter (164 terms) fits.
  maxRequestWork: 2_000_000,
  // Bounds the responses held at once to maxInFlight × maxResponseBytes, far above any honest load.
  maxInFlight: 256,
  wsMaxConnections: 512,
  wsMaxConnectionsPerIp: 64,
  wsMaxInFlight: 16,
  wsMaxMessageBytes: 10 * 1024 * 1024,
  // With wsMaxConnections, at most 2 GiB can queue for clients that stopped reading.
  wsMaxBufferedBytes: 4 * 1024 * 1024,
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
  readonly #connections: ConnectionLimiter;
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
      maxResponseBytes: config.maxResponseBytes,
      maxRequestWork: config.maxRequestWork,
      maxInFlight: config.maxInFlight,
      logger: this.#logger,
      onCall: options.onCall,
    });
    const common = { corsOrigins: config.corsOrigins, logger: this.#logger };
    // HTTP keep-alive is on by default in node:http; load generators reuse connections.
    this.#server = createServer(
      {
        headersTimeout: config.headersTimeoutMs,
        requestTimeout: config.requestTimeoutMs,
        keepAliveTimeout: config.keepAliveTimeoutMs,
        // How often node:http looks for connections past headersTimeout or requestTimeout.
        connectionsCheckingInterval: Math.max(10, Math.min(1_000, config.headersTimeoutMs / 2)),
      },
      createHttpHandler(dispatcher, {
        ...common,
        maxBodyBytes: config.maxBodyBytes,
        stopping: () => this.#stopping,
      }),
    );
    const cap = connectionCap(config.maxConnections, config.reservedFileDescriptors, openFileLimit());
    if (cap < config.maxConnections)
      this.#logger.warn(
        { configured: config.maxConnections, cap, reserved: config.reservedFileDescriptors },
        'RPC connection cap lowered to leave file descriptors for the node; raise the open-file limit (ulimit -n) to allow more',
      );
    this.#connections = new ConnectionLimiter(cap, config.maxConnectionsPerIp);
    this.#server.on('connection', (socket) => this.#admit(socket));
    this.#ws = new WsTransport(dispatcher, {
      ...common,
      maxConnections: config.wsMaxConnections,
      maxConnectionsPerIp: config.wsMaxConnectionsPerIp,
      maxInFlight: config.wsMaxInFlight,
      maxMessageBytes: config.wsMaxMessageBytes,
      maxBufferedBytes: config.wsMaxBufferedBytes,
      pingIntervalMs: config.wsPingIntervalMs,
    });
    this.#server.on('upgrade', (req, socket, head) => this.#ws.handleUpgrade(req, socket, head));
  }

  /** Open TCP connections (HTTP and WebSocket) counted against the caps. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Counts a new TCP connection, or closes it at once when it is over a cap. */
  #admit(socket: Socket): void {
    const ip = socket.remoteAddress ?? '';
    const refused = this.#connections.admit(ip);
    if (refused) {
      this.#logger.debug({ remote: ip, cap: refused }, 'RPC connection refused: connection cap');
      socket.destroy();
      return;
    }
    socket.once('close', () => this.#connections.release(ip));
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

// WebSocket transport on the HTTP server's port: one Connection per socket for pushed notifications,
// caps on connections (total and per IP) and on messages in progress per connection, a bound on what
// may queue up for a client that stops reading, and a heartbeat for dead peers.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { ConnectionLimiter } from './connectionLimiter.ts';
import type { Connection, TransportContext } from './context.ts';
import { originAllowed } from './cors.ts';
import type { Dispatcher } from './dispatch.ts';
import type { RpcNotification } from './jsonrpc.ts';

export interface WsOptions {
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxMessageBytes: number;
  maxBufferedBytes: number;
  /** Messages of one connection handled at once; past this the server stops reading from it. */
  maxInFlight: number;
  /** 0 disables the heartbeat. */
  pingIntervalMs: number;
  corsOrigins: readonly string[];
  logger: Logger;
}

/** Close code for a client dropped because it stopped reading (RFC 6455: policy violation). */
export const SLOW_CONSUMER_CLOSE_CODE = 1008;
/** How long a dropped slow consumer has to take its close frame before the socket is cut. */
const SLOW_CONSUMER_GRACE_MS = 2_000;

class WsConnection implements Connection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly #ws: WebSocket;
  readonly #maxBufferedBytes: number;
  readonly #logger: Logger;
  /** undefined once the connection has closed and the callbacks have run. */
  #closeCallbacks: (() => void)[] | undefined = [];

  constructor(id: number, remoteAddress: string, ws: WebSocket, maxBufferedBytes: number, logger: Logger) {
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.#ws = ws;
    this.#maxBufferedBytes = maxBufferedBytes;
    this.#logger = logger;
  }

  send(notification: RpcNotification): boolean {
    let text: string;
    try {
      text = JSON.stringify(notification);
    } catch (err) {
      // A module bug (bigint in the payload); the caller is usually an event callback, so log, don't throw.
      this.#logger.error(
        { err, connection: this.id, method: notification.method },
        'notification is not JSON',
      );
      return false;
    }
    return this.write(text);
  }

  /** Sends serialized text, unless the client has let too much queue up: then it is dropped for good. */
  write(text: string): boolean {
    const ws = this.#ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    // Only what is already queued counts, so one large response still goes to a client that reads.
    if (ws.bufferedAmount > this.#maxBufferedBytes) {
      this.#logger.warn(
        { connection: this.id, bufferedBytes: ws.bufferedAmount },
        'closing slow WebSocket consumer: outgoing buffer over the limit',
      );
      // The close frame queues behind what the client has not read; a client that resumes reading
      // within the grace period learns why, and then the socket and its buffer are freed either way.
      ws.close(SLOW_CONSUMER_CLOSE_CODE, 'too slow: outgoing buffer over the limit');
      setTimeout(() => ws.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
      // Its subscriptions end now, not when the socket finally goes.
      this.closed();
      return false;
    }
    ws.send(text);
    return true;
  }

  onClose(callback: () => void): void {
    if (this.#closeCallbacks) this.#closeCallbacks.push(callback);
    else callback();
  }

  closed(): void {
    const callbacks = this.#closeCallbacks ?? [];
    this.#closeCallbacks = undefined;
    for (const callback of callbacks) {
      try {
        callback();
      } catch (err) {
        this.#logger.error({ err, connection: this.id }, 'WebSocket close callback failed');
      }
    }
  }
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
}

export class WsTransport {
  readonly #dispatcher: Dispatcher;
  readonly #options: WsOptions;
  readonly #wss: WebSocketServer;
  readonly #alive = new Map<WebSocket, boolean>();
  readonly #heartbeat: NodeJS.Timeout | undefined;
  readonly #limiter: ConnectionLimiter;
  #nextId = 1;
  #closing = false;

  constructor(dispatcher: Dispatcher, options: WsOptions) {
    this.#dispatcher = dispatcher;
    this.#options = options;
    this.#limiter = new ConnectionLimiter(options.maxConnections, options.maxConnectionsPerIp);
    // ws closes the socket with 1009 (message too big) past maxPayload, before buffering the message.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });
    if (options.pingIntervalMs > 0) {
      this.#heartbeat = setInterval(() => this.#ping(), options.pingIntervalMs);
      this.#heartbeat.unref();
    }
  }

  /** The HTTP server's 'upgrade' listener. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    // Browsers always send Origin; other clients (no Origin) are not subject to the browser policy.
    if (origin !== undefined && !originAllowed(origin, this.#options.corsOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const ip = req.socket.remoteAddress ?? '';
    const refused = this.#limiter.admit(ip);
    if (refused) {
      this.#options.logger.debug({ remote: ip, cap: refused }, 'WebSocket upgrade refused: connection cap');
      const status = refused === 'ip' ? '429 Too Many Requests' : '503 Service Unavailable';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    // Counted from here until the socket closes, whether or not the handshake completes.
    socket.once('close', () => this.#limiter.release(ip));
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, ip));
  }

  /** Starts a clean close (1001 going away) of every connection and stops the heartbeat. */
  close(): void {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    for (const ws of this.#alive.keys()) ws.close(1001, 'server shutting down');
  }

  /** Drops connections still open after close(), e.g. a peer that never answers the close frame. */
  terminate(): void {
    for (const ws of this.#alive.keys()) ws.terminate();
  }

  #accept(ws: WebSocket, ip: string): void {
    const { logger, maxBufferedBytes, maxInFlight } = this.#options;
    const connection = new WsConnection(this.#nextId++, ip, ws, maxBufferedBytes, logger);
    const ctx: TransportContext = { transport: 'ws', connection };
    const gone = new AbortController();
    this.#alive.set(ws, true);
    ws.on('pong', () => this.#alive.set(ws, true));
    // Messages are handled concurrently, up to maxInFlight: later ones wait, and the socket is not
    // read meanwhile (what waits is at most what one read delivered), so a client cannot start
    // unbounded work by sending faster than it is answered.
    let inFlight = 0;
    const waiting: string[] = [];
    const run = (text: string): void => {
      inFlight++;
      this.#dispatcher.handle(text, ctx, gone.signal).then((response) => {
        inFlight--;
        if (response !== undefined) connection.write(response);
        const next = waiting.shift();
        if (next !== undefined) run(next);
        else if (ws.isPaused && ws.readyState === WebSocket.OPEN) ws.resume();
      });
    };
    ws.on('message', (data) => {
      if (inFlight < maxInFlight) run(toText(data));
      else {
        waiting.push(toText(data));
        ws.pause();
      }
    });
    ws.on('error', (err) => logger.debug({ err, connection: connection.id }, 'WebSocket error'));
    ws.on('close', (code) => {
      this.#alive.delete(ws);
      gone.abort();
      waiting.length = 0;
      logger.debug({ connection: connection.id, code }, 'WebSocket closed');
      connection.closed();
    });
  }

  #ping(): void {
    for (const [ws, alive] of this.#alive) {
      if (!alive) {
        this.#options.logger.debug('terminating WebSocket that missed a heartbeat');
        ws.terminate();
        continue;
      }
      this.#alive.set(ws, false);
      ws.ping();
    }
  }
}

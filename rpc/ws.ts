// WebSocket transport on the HTTP server's port: one Connection per socket for pushed notifications,
// a bound on what may queue up for a client that stops reading, and a heartbeat for dead peers.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Connection, RequestContext } from './context.ts';
import { originAllowed } from './cors.ts';
import type { Dispatcher } from './dispatch.ts';
import type { RpcNotification } from './jsonrpc.ts';

export interface WsOptions {
  maxMessageBytes: number;
  maxBufferedBytes: number;
  /** 0 disables the heartbeat. */
  pingIntervalMs: number;
  corsOrigins: readonly string[];
  logger: Logger;
}

class WsConnection implements Connection {
  readonly id: number;
  readonly #ws: WebSocket;
  readonly #maxBufferedBytes: number;
  readonly #logger: Logger;
  /** undefined once the connection has closed and the callbacks have run. */
  #closeCallbacks: (() => void)[] | undefined = [];

  constructor(id: number, ws: WebSocket, maxBufferedBytes: number, logger: Logger) {
    this.id = id;
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
      ws.terminate();
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
  #nextId = 1;
  #closing = false;

  constructor(dispatcher: Dispatcher, options: WsOptions) {
    this.#dispatcher = dispatcher;
    this.#options = options;
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
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
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

  #accept(ws: WebSocket): void {
    const { logger, maxBufferedBytes } = this.#options;
    const connection = new WsConnection(this.#nextId++, ws, maxBufferedBytes, logger);
    const ctx: RequestContext = { transport: 'ws', connection };
    this.#alive.set(ws, true);
    ws.on('pong', () => this.#alive.set(ws, true));
    // Messages are handled concurrently; responses go out as they finish and carry their ids.
    ws.on('message', (data) => {
      this.#dispatcher.handle(toText(data), ctx).then((response) => {
        if (response !== undefined) connection.write(response);
      });
    });
    ws.on('error', (err) => logger.debug({ err, connection: connection.id }, 'WebSocket error'));
    ws.on('close', (code) => {
      this.#alive.delete(ws);
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

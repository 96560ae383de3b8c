// HTTP transport: routing (POST JSON-RPC, GET /health, OPTIONS preflight), CORS and the body limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { corsHeaders, preflightHeaders } from './cors.ts';
import type { Dispatcher } from './dispatch.ts';
import { ErrorCode } from './errors.ts';
import { serializeError } from './jsonrpc.ts';

export interface HttpOptions {
  maxBodyBytes: number;
  corsOrigins: readonly string[];
  logger: Logger;
  /** True once the server is stopping: responses then close their connection instead of keeping it alive. */
  stopping: () => boolean;
}

const HTTP_CONTEXT = { transport: 'http' } as const;

/** Resolves with the body, or undefined as soon as it is known to exceed `limit` (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
    // Settles the promise if the client goes away mid-body; a no-op after 'end' or the limit.
    req.on('close', () => reject(new Error('connection closed before the request body was read')));
  });
}

function rpcError(code: number, message: string): string {
  return serializeError(null, { code, message });
}

export function createHttpHandler(dispatcher: Dispatcher, options: HttpOptions) {
  const { maxBodyBytes, corsOrigins, logger, stopping } = options;

  function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
    const all: Record<string, string> = stopping() ? { ...headers, Connection: 'close' } : headers;
    if (body === undefined) res.writeHead(status, all).end();
    else
      res
        .writeHead(status, {
          ...all,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        })
        .end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS') {
      send(res, 204, preflightHeaders(origin, req.headers['access-control-request-headers'], corsOrigins));
      return;
    }
    const cors = corsHeaders(origin, corsOrigins);
    if (req.method === 'GET' && req.url?.split('?')[0] === '/health') {
      send(res, 200, cors, '{"status":"ok"}');
      return;
    }
    if (req.method !== 'POST') {
      const message = `HTTP method ${req.method ?? ''} not allowed: send JSON-RPC requests with POST`;
      send(res, 405, { ...cors, Allow: 'POST, OPTIONS' }, rpcError(ErrorCode.InvalidRequest, message));
      return;
    }
    // Content-Type is not checked: curl and some clients omit it or send form encoding.
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) {
      logger.debug({ remote: req.socket.remoteAddress }, 'rpc request body over the limit');
      // Close the connection: the rest of the body is never read, so the stream cannot be reused.
      const message = `request body exceeds the limit of ${maxBodyBytes} bytes`;
      send(res, 413, { ...cors, Connection: 'close' }, rpcError(ErrorCode.InvalidRequest, message));
      return;
    }
    const response = await dispatcher.handle(body.toString('utf8'), HTTP_CONTEXT);
    if (response === undefined) send(res, 204, cors);
    else send(res, 200, cors, response);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      // Reaching here means the connection failed mid-request (client went away); nothing to answer.
      logger.debug({ err }, 'rpc http request aborted');
      if (!res.headersSent) res.destroy();
    });
  };
}

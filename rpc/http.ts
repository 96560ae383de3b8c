// HTTP transport: routing (POST JSON-RPC, GET /health, GET / and /explorer/... for the block explorer,
// OPTIONS preflight), CORS and the body limit.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/**
 * The explorer's files (explorer/ at the repository root) and their content types. Only these names
 * are ever served, matched exactly against the raw request path: nothing is decoded, joined or
 * resolved, so no request can reach another file.
 */
const EXPLORER_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'explorer.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'rpc.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'attribution.js': 'text/javascript; charset=utf-8',
  'staking.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'logs.js': 'text/javascript; charset=utf-8',
  'spans.js': 'text/javascript; charset=utf-8',
  'inference.js': 'text/javascript; charset=utf-8',
  'records.js': 'text/javascript; charset=utf-8',
  'contributors.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

const EXPLORER_DIR = new URL('../explorer/', import.meta.url);

/** The page talks only to its own origin (fetch and WebSocket) and loads nothing from elsewhere. */
const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface StaticAsset {
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly etag: string;
}

/** Reads the explorer once, when the server is created; a missing file is answered 404. */
function loadExplorer(logger: Logger): ReadonlyMap<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const [name, type] of Object.entries(EXPLORER_FILES)) {
    let body: Buffer;
    try {
      body = readFileSync(new URL(name, EXPLORER_DIR));
    } catch (err) {
      logger.debug({ err, file: name }, 'explorer file not found; it will not be served');
      continue;
    }
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const headers: Record<string, string> = {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=60',
      'X-Content-Type-Options': 'nosniff',
      ETag: etag,
    };
    if (name === 'index.html') {
      headers['Content-Security-Policy'] = EXPLORER_CSP;
      headers['Referrer-Policy'] = 'no-referrer';
    }
    assets.set(name, { body, headers, etag });
  }
  return assets;
}

/**
 * The explorer file a GET path names: `/`, `/explorer` and `/explorer/` are the page, `/explorer/NAME`
 * an allow-listed file. null: under /explorer/ but not a file we serve (404). undefined: not an
 * explorer path at all (the RPC endpoint's usual 405).
 */
function explorerFile(path: string): string | null | undefined {
  if (path === '/' || path === '/explorer' || path === '/explorer/') return 'index.html';
  if (!path.startsWith('/explorer/')) return undefined;
  const name = path.slice('/explorer/'.length);
  return Object.hasOwn(EXPLORER_FILES, name) ? name : null;
}

function rpcError(code: number, message: string): string {
  return serializeError(null, { code, message });
}

export function createHttpHandler(dispatcher: Dispatcher, options: HttpOptions) {
  const { maxBodyBytes, corsOrigins, logger, stopping } = options;
  const explorer = loadExplorer(logger);

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

  function sendExplorer(req: IncomingMessage, res: ServerResponse, name: string | null): void {
    const asset = name === null ? undefined : explorer.get(name);
    const close: Record<string, string> = stopping() ? { Connection: 'close' } : {};
    if (!asset) {
      const body = 'not found\n';
      res
        .writeHead(404, {
          ...close,
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': String(Buffer.byteLength(body)),
          'X-Content-Type-Options': 'nosniff',
        })
        .end(body);
      return;
    }
    if (req.headers['if-none-match'] === asset.etag) {
      res
        .writeHead(304, { ...close, ETag: asset.etag, 'Cache-Control': asset.headers['Cache-Control']! })
        .end();
      return;
    }
    // For HEAD, node:http sends the headers and drops the body.
    res
      .writeHead(200, { ...close, ...asset.headers, 'Content-Length': String(asset.body.length) })
      .end(asset.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS') {
      send(res, 204, preflightHeaders(origin, req.headers['access-control-request-headers'], corsOrigins));
      return;
    }
    const cors = corsHeaders(origin, corsOrigins);
    const path = req.url?.split('?')[0] ?? '';
    if (req.method === 'GET' && path === '/health') {
      send(res, 200, cors, '{"status":"ok"}');
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const file = explorerFile(path);
      if (file !== undefined) {
        sendExplorer(req, res, file);
        return;
      }
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
    // A client that hangs up before its answer stops the work that answer needed.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const response = await dispatcher.handle(
      body.toString('utf8'),
      { transport: 'http', remoteAddress: req.socket.remoteAddress ?? '' },
      abort.signal,
    );
    if (abort.signal.aborted) return;
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

// Shared fixtures for the rpc tests: a small demo registry written the way real namespace modules
// are, a server on a free loopback port, and thin fetch/ws clients.
import { type Logger, pino } from 'pino';
import WebSocket from 'ws';
import { z } from 'zod';
import { OpenchainError } from '../../core/errors.ts';
import {
  type Connection,
  newSubscriptionId,
  type RequestContext,
  requireConnection,
  sendSubscription,
} from '../../rpc/context.ts';
import { ErrorCode, RpcError } from '../../rpc/errors.ts';
import type { JsonValue } from '../../rpc/jsonrpc.ts';
import { address, blockRef, bool, quantity } from '../../rpc/params.ts';
import { method, Registry, type RpcModule } from '../../rpc/registry.ts';
import { RpcServer, type RpcServerOptions } from '../../rpc/server.ts';
import { WorkBudget } from '../../rpc/work.ts';

export const CHAIN_ID = '0x539';

/** The context of an HTTP call made directly to a method, without a dispatcher: no limits. */
export function httpContext(): RequestContext {
  return {
    transport: 'http',
    remoteAddress: '127.0.0.1',
    signal: new AbortController().signal,
    budget: new WorkBudget(Infinity),
  };
}

/** An `eth` module with a constant chain id and newHeads subscriptions, like the real one will have. */
export class DemoEth implements RpcModule {
  readonly namespace = 'eth';
  readonly heads = new Map<string, Connection>();
  readonly methods = {
    eth_chainId: method(z.tuple([]), () => CHAIN_ID),
    eth_getBalance: method(z.tuple([address, blockRef]), ([, block]) =>
      block.kind === 'number' ? `0x${block.number.toString(16)}` : '0x0',
    ),
    eth_subscribe: method(z.tuple([z.literal('newHeads')]), (_params, ctx) => {
      const connection = requireConnection(ctx);
      const id = newSubscriptionId();
      this.heads.set(id, connection);
      connection.onClose(() => this.heads.delete(id));
      return id;
    }),
    eth_unsubscribe: method(z.tuple([z.string()]), ([id]) => this.heads.delete(id)),
  };

  publishHead(number: number): void {
    for (const [id, connection] of this.heads)
      sendSubscription(connection, id, { number: `0x${number.toString(16)}` });
  }
}

const arrived: (() => void)[] = [];

function rendezvous(n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      arrived.splice(arrived.indexOf(release), 1);
      reject(
        new RpcError(ErrorCode.ServerError, `only ${arrived.length + 1} of ${n} calls arrived together`),
      );
    }, 10_000);
    const release = () => {
      clearTimeout(timer);
      resolve(n);
    };
    arrived.push(release);
    if (arrived.length === n) for (const r of arrived.splice(0)) r();
  });
}

const held: (() => void)[] = [];

/** How many test_hold calls are waiting. */
export const heldCalls = (): number => held.length;

/** Answers every waiting test_hold call. */
export function releaseHeld(): void {
  for (const release of held.splice(0)) release();
}

/** Waits until releaseHeld(), or fails after a bounded wait. */
function hold(): Promise<string> {
  return new Promise((resolve, reject) => {
    const release = () => {
      clearTimeout(timer);
      resolve('released');
    };
    const timer = setTimeout(() => {
      held.splice(held.indexOf(release), 1);
      reject(new RpcError(ErrorCode.ServerError, 'test_hold was never released'));
    }, 10_000);
    held.push(release);
  });
}

let group: { size: number } | undefined;

/** How many test_groupSize calls started in the same synchronous run as this one (its batch group). */
function groupSize(): Promise<number> {
  if (!group) {
    group = { size: 0 };
    queueMicrotask(() => {
      group = undefined;
    });
  }
  const mine = group;
  mine.size++;
  return new Promise((resolve) => setImmediate(() => resolve(mine.size)));
}

/** Holds the thread for `ms` of its own clock, as a call with a heavy synchronous part does. */
function spin(ms: number): number {
  const start = performance.now();
  while (performance.now() - start < ms);
  return ms;
}

/** Methods that exercise each error path of the framework. */
export const testModule: RpcModule = {
  namespace: 'test',
  methods: {
    test_echo: method(z.tuple([quantity, bool.optional()]), ([value, flag]) => ({
      value: `0x${value.toString(16)}`,
      flag: flag ?? null,
    })),
    test_sleep: method(z.tuple([z.number()]), async ([ms]) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    }),
    // Returns once `n` calls are in flight together, or fails after a bounded wait: a batch of n of
    // them succeeds only if its elements run concurrently, which no clock reading could show as well.
    test_rendezvous: method(z.tuple([z.number()]), ([n]) => rendezvous(n)),
    test_groupSize: method(z.tuple([]), () => groupSize()),
    test_spin: method(z.tuple([z.number()]), ([ms]) => spin(ms)),
    // Occupies a place among the requests in flight until the test lets it go.
    test_hold: method(z.tuple([]), () => hold()),
    test_crash: method(z.tuple([]), () => {
      throw new Error('secret internal detail');
    }),
    test_bigint: method(z.tuple([]), () => 5n as unknown as JsonValue),
    test_revert: method(z.tuple([]), () => {
      throw new RpcError(ErrorCode.ExecutionReverted, 'execution reverted: nope', '0x08c379a0');
    }),
    test_domain: method(z.tuple([]), () => {
      throw new OpenchainError('NONCE_TOO_LOW', 'nonce too low');
    }),
  },
};

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger that keeps every line it writes. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
  );
  return { logger, lines };
}

export interface Fixture {
  server: RpcServer;
  eth: DemoEth;
  url: string;
  wsUrl: string;
}

export async function startServer(options: RpcServerOptions = {}): Promise<Fixture> {
  const eth = new DemoEth();
  const server = new RpcServer(new Registry([eth, testModule]), { ...options, host: '127.0.0.1', port: 0 });
  const { url, wsUrl } = await server.start();
  return { server, eth, url, wsUrl };
}

export async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

/** A WebSocket client that queues incoming messages in arrival order. */
export class WsClient {
  readonly socket: WebSocket;
  readonly #queue: unknown[] = [];
  readonly #waiters: ((message: unknown) => void)[] = [];

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.socket = new WebSocket(url, options);
    this.socket.on('message', (data) => {
      const message: unknown = JSON.parse(String(data));
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  closed(): Promise<number> {
    return new Promise((resolve) => this.socket.once('close', (code) => resolve(code)));
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  next(): Promise<unknown> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  pending(): number {
    return this.#queue.length;
  }

  close(): void {
    this.socket.terminate();
  }
}

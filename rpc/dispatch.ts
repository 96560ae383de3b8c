// Transport-independent request handling: parse, batch, call, serialize. HTTP and WebSocket hand
// it the raw text and send back whatever string it returns.
import type { Logger } from 'pino';
import type { RequestContext } from './context.ts';
import { ErrorCode, RpcError, toErrorObject } from './errors.ts';
import { checkEnvelope, serializeError, serializeResult } from './jsonrpc.ts';
import type { Registry } from './registry.ts';

/** One finished request (a batch reports each element), for metrics. */
export interface CallEvent {
  /** The registered method name; undefined when none matched, so client text never becomes a label. */
  method: string | undefined;
  transport: RequestContext['transport'];
  durationMs: number;
  /** undefined on success, else the JSON-RPC error code sent (or that would have been, for a notification). */
  errorCode: number | undefined;
}

export interface DispatcherOptions {
  maxBatchLength: number;
  logger: Logger;
  onCall?: ((event: CallEvent) => void) | undefined;
}

const INTERNAL = { code: ErrorCode.InternalError, message: 'internal error' };

/** Batch elements handled between two turns of the event loop (a few milliseconds of work). */
const BATCH_SLICE = 32;

export class Dispatcher {
  readonly #registry: Registry;
  readonly #options: DispatcherOptions;

  constructor(registry: Registry, options: DispatcherOptions) {
    this.#registry = registry;
    this.#options = options;
  }

  /** Handles one HTTP body or WebSocket message; undefined means nothing is owed (only notifications). */
  async handle(text: string, ctx: RequestContext): Promise<string | undefined> {
    const start = performance.now();
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (err) {
      this.#observe(undefined, ctx, start, ErrorCode.ParseError);
      return serializeError(null, {
        code: ErrorCode.ParseError,
        message: `parse error: ${(err as Error).message}`,
      });
    }
    if (!Array.isArray(message)) return this.#handleOne(message, ctx);

    const { maxBatchLength } = this.#options;
    if (message.length === 0 || message.length > maxBatchLength) {
      this.#observe(undefined, ctx, start, ErrorCode.InvalidRequest);
      // -32600 rather than EIP-1474's -32005 "limit exceeded": viem retries -32005 with backoff,
      // and resending the same oversized batch cannot succeed.
      const reason =
        message.length === 0
          ? 'invalid request: empty batch'
          : `batch of ${message.length} requests exceeds the limit of ${maxBatchLength}`;
      return serializeError(null, { code: ErrorCode.InvalidRequest, message: reason });
    }
    // Elements run concurrently within a slice; between slices the batch yields to the event loop,
    // so a 10,000-transaction batch does not hold up consensus (whose disk writes and timers wait
    // for their turn in the loop) for the whole time it takes to recover 10,000 senders.
    const responses: (string | undefined)[] = [];
    for (let i = 0; i < message.length; i += BATCH_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = message.slice(i, i + BATCH_SLICE);
      responses.push(...(await Promise.all(slice.map((element) => this.#handleOne(element, ctx)))));
    }
    const owed = responses.filter((response) => response !== undefined);
    return owed.length === 0 ? undefined : `[${owed.join(',')}]`;
  }

  async #handleOne(value: unknown, ctx: RequestContext): Promise<string | undefined> {
    const start = performance.now();
    const check = checkEnvelope(value);
    if (!check.ok) {
      this.#observe(undefined, ctx, start, ErrorCode.InvalidRequest);
      return serializeError(check.id, { code: ErrorCode.InvalidRequest, message: check.message });
    }
    const { id, method: name, params } = check.request;
    const rpcMethod = this.#registry.lookup(name);
    const label = rpcMethod ? name : undefined;
    try {
      if (!rpcMethod)
        throw new RpcError(ErrorCode.MethodNotFound, `the method ${name} does not exist/is not available`);
      if (!Array.isArray(params))
        throw new RpcError(
          ErrorCode.InvalidParams,
          'params must be an array: methods take positional arguments',
        );
      const result = await rpcMethod.call(params, ctx);
      if (id === undefined) {
        this.#observe(label, ctx, start, undefined);
        return undefined;
      }
      const json = serializeResult(id, result);
      if (json === undefined) {
        this.#options.logger.error(
          { method: name },
          'rpc handler returned a value that is not JSON (a bigint?)',
        );
        this.#observe(label, ctx, start, INTERNAL.code);
        return serializeError(id, INTERNAL);
      }
      this.#observe(label, ctx, start, undefined);
      return json;
    } catch (err) {
      const { error, internal } = toErrorObject(err);
      if (internal) this.#options.logger.error({ err, method: name }, 'rpc handler failed');
      this.#observe(label, ctx, start, error.code);
      return id === undefined ? undefined : serializeError(id, error);
    }
  }

  #observe(
    method: string | undefined,
    ctx: RequestContext,
    start: number,
    errorCode: number | undefined,
  ): void {
    const { onCall, logger } = this.#options;
    if (!onCall) return;
    try {
      onCall({ method, transport: ctx.transport, durationMs: performance.now() - start, errorCode });
    } catch (err) {
      logger.error({ err }, 'rpc metrics hook failed');
    }
  }
}

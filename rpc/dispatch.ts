// Transport-independent request handling: parse, batch, call, serialize. HTTP and WebSocket hand
// it the raw text and send back whatever string it returns.
import type { Logger } from 'pino';
import type { RequestContext, TransportContext } from './context.ts';
import { ErrorCode, RpcError, toErrorObject } from './errors.ts';
import { checkEnvelope, type ErrorObject, serializeError, serializeResult } from './jsonrpc.ts';
import type { Registry } from './registry.ts';
import { pause, SLICE_MS, WorkBudget } from './work.ts';

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
  /** Serialized responses of one body or message beyond this get -32003 instead (see #handleBatch). */
  maxResponseBytes: number;
  /** The WorkBudget of one body or message. */
  maxRequestWork: number;
  /** HTTP bodies and WebSocket messages handled at once, over every connection; past it -32005. */
  maxInFlight: number;
  logger: Logger;
  onCall?: ((event: CallEvent) => void) | undefined;
}

const INTERNAL = { code: ErrorCode.InternalError, message: 'internal error' };

/** `error` addressed to the request's id; undefined for a notification, which is owed nothing. */
function errorFor(request: unknown, error: ErrorObject): string | undefined {
  const check = checkEnvelope(request);
  const id = check.ok ? check.request.id : check.id;
  return id === undefined ? undefined : serializeError(id, error);
}

/**
 * Batch elements start together, as one group, while their synchronous parts fit one slice of the
 * event loop (work.ts `SLICE_MS`), up to this many; between groups the batch may yield (`pause`). A
 * group's sender recoveries leave as one worker job: 200 raw transactions are one round trip, not seven.
 */
const GROUP_MAX = 256;

const NO_SIGNAL = new AbortController().signal;

export class Dispatcher {
  readonly #registry: Registry;
  readonly #options: DispatcherOptions;
  #inFlight = 0;

  constructor(registry: Registry, options: DispatcherOptions) {
    this.#registry = registry;
    this.#options = options;
  }

  /**
   * Handles one HTTP body or WebSocket message; undefined means nothing is owed (only notifications).
   * `signal` is aborted when the client goes away: work not yet done is then skipped.
   */
  async handle(
    text: string,
    transport: TransportContext,
    signal: AbortSignal = NO_SIGNAL,
  ): Promise<string | undefined> {
    if (signal.aborted) return undefined; // queued behind others until its client left
    const start = performance.now();
    const ctx: RequestContext = {
      ...transport,
      signal,
      budget: new WorkBudget(this.#options.maxRequestWork),
    };
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
    const { maxBatchLength, maxInFlight } = this.#options;
    if (Array.isArray(message) && (message.length === 0 || message.length > maxBatchLength)) {
      this.#observe(undefined, ctx, start, ErrorCode.InvalidRequest);
      // -32600 rather than EIP-1474's -32005 "limit exceeded": viem retries -32005 with backoff,
      // and resending the same oversized batch cannot succeed.
      const reason =
        message.length === 0
          ? 'invalid request: empty batch'
          : `batch of ${message.length} requests exceeds the limit of ${maxBatchLength}`;
      return serializeError(null, { code: ErrorCode.InvalidRequest, message: reason });
    }
    // A bound on the work queued behind the time slicing (and the responses held) however many
    // clients ask at once. -32005, which viem retries with backoff: the same request later can pass.
    if (this.#inFlight >= maxInFlight) {
      this.#observe(undefined, ctx, start, ErrorCode.LimitExceeded);
      return this.#answerEach(message, {
        code: ErrorCode.LimitExceeded,
        message: `limit exceeded: this node is handling ${maxInFlight} requests, the most it takes at once; retry shortly`,
      });
    }
    this.#inFlight++;
    try {
      if (Array.isArray(message)) return await this.#handleBatch(message, ctx);
      const response = await this.#handleOne(message, ctx);
      return response !== undefined && response.length > this.#options.maxResponseBytes
        ? this.#tooLarge(message)
        : response;
    } finally {
      this.#inFlight--;
    }
  }

  /**
   * Elements run concurrently within a group (`#startGroup`); between groups the batch pauses
   * (work.ts), so a 10,000-transaction batch does not hold up consensus for the time it takes to
   * recover 10,000 senders. Once the responses reach maxResponseBytes, the element that crossed the
   * line and every later one are answered -32003, and no later group is run (as geth does), so
   * memory stays bounded.
   */
  async #handleBatch(batch: unknown[], ctx: RequestContext): Promise<string | undefined> {
    const responses: string[] = [];
    let bytes = 0;
    for (let next = 0; next < batch.length; ) {
      if (next > 0) await pause(ctx.signal).catch(() => undefined);
      if (ctx.signal.aborted) return undefined; // the client is gone; nobody reads the rest
      const from = next;
      const answers = await Promise.all(this.#startGroup(batch, from, ctx));
      next = from + answers.length;
      for (const [k, response] of answers.entries()) {
        if (response === undefined) continue;
        if (bytes + response.length > this.#options.maxResponseBytes) {
          for (const element of batch.slice(from + k)) {
            const refused = this.#tooLarge(element);
            if (refused !== undefined) responses.push(refused);
          }
          return `[${responses.join(',')}]`;
        }
        bytes += response.length;
        responses.push(response);
      }
    }
    return responses.length === 0 ? undefined : `[${responses.join(',')}]`;
  }

  /**
   * Starts elements from `from` until their synchronous parts (parsing, decoding, queueing a
   * recovery) have used a slice (`SLICE_MS`), or GROUP_MAX have started; at least one.
   */
  #startGroup(batch: unknown[], from: number, ctx: RequestContext): Promise<string | undefined>[] {
    const started = performance.now();
    const group: Promise<string | undefined>[] = [];
    do group.push(this.#handleOne(batch[from + group.length], ctx));
    while (
      from + group.length < batch.length &&
      group.length < GROUP_MAX &&
      performance.now() - started < SLICE_MS
    );
    return group;
  }

  /** The -32003 for a request whose response did not fit; notifications are owed nothing. */
  #tooLarge(request: unknown): string | undefined {
    return errorFor(request, {
      code: ErrorCode.ResponseTooLarge,
      message: `response too large: the responses to one request may total at most ${this.#options.maxResponseBytes} bytes; split the batch`,
    });
  }

  /** `error` for the request, or for each element of a batch, without running any. */
  #answerEach(message: unknown, error: ErrorObject): string | undefined {
    if (!Array.isArray(message)) return errorFor(message, error);
    const answers = message.map((element) => errorFor(element, error)).filter((a) => a !== undefined);
    return answers.length === 0 ? undefined : `[${answers.join(',')}]`;
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

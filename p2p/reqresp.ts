// One request, one response, one stream: the framing shared by the sync protocols and proposal
// block fetches. Both sides use length-prefixed frames with a size limit and a deadline; failures
// become RequestErrors whose code says whose fault they were.
import type { Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { lpStream } from '@libp2p/utils';
import type { Libp2p } from 'libp2p';
import { RequestError } from './errors.ts';
import { RESPONSE_ERROR, type ResponseError } from './wire.ts';

export interface RequestOptions {
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly signal?: AbortSignal;
}

/** Sends `payload` on a new stream and returns the single response frame. */
export async function request(
  libp2p: Libp2p,
  peerId: string,
  protocol: string,
  payload: Uint8Array,
  opts: RequestOptions,
): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const fail = (err: unknown, what: string): Error => {
    if (opts.signal?.aborted) return opts.signal.reason as Error;
    if (timeout.aborted) return new RequestError('TIMEOUT', `${what} timed out after ${opts.timeoutMs} ms`);
    const name = (err as Error).name;
    if (name === 'InvalidDataLengthError' || name === 'InvalidDataLengthLengthError') {
      return new RequestError('BAD_RESPONSE', `response over ${opts.maxResponseBytes} bytes`, { cause: err });
    }
    return new RequestError('UNREACHABLE', `${what} failed: ${(err as Error).message}`, { cause: err });
  };
  let stream: Stream;
  try {
    stream = await libp2p.dialProtocol(peerIdFromString(peerId), protocol, { signal });
  } catch (err) {
    throw fail(err, 'dial');
  }
  try {
    const lp = lpStream(stream, {
      maxDataLength: opts.maxResponseBytes,
      maxBufferSize: opts.maxResponseBytes + 16,
    });
    await lp.write(payload, { signal });
    const response = (await lp.read({ signal })).subarray();
    await stream.close({ signal });
    return response;
  } catch (err) {
    stream.abort(err as Error);
    throw fail(err, 'request');
  }
}

export interface RespondOptions {
  readonly timeoutMs: number;
  readonly maxRequestBytes: number;
}

/**
 * Reads one request frame, writes `answer(request)` back and closes the stream, all within the
 * deadline; on any failure the stream is aborted and the error returned for logging.
 */
export async function respond(
  stream: Stream,
  opts: RespondOptions,
  answer: (request: Uint8Array) => Promise<Uint8Array>,
): Promise<Error | undefined> {
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const lp = lpStream(stream, { maxDataLength: opts.maxRequestBytes });
  try {
    const req = (await lp.read({ signal })).subarray();
    const response = await raceAbort(answer(req), signal);
    await lp.write(response, { signal });
    await stream.close({ signal });
    return undefined;
  } catch (err) {
    stream.abort(err as Error);
    return err as Error;
  }
}

/** Stops waiting for `work` when `signal` aborts (the work itself cannot be cancelled). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The error a server's refusal stands for. */
export function refusal(e: ResponseError): RequestError {
  const opts = { retryAfterMs: e.retryAfterMs };
  if (e.code === RESPONSE_ERROR.rateLimited)
    return new RequestError('RATE_LIMITED', `rate limited: ${e.message}`, opts);
  if (e.code === RESPONSE_ERROR.busy) return new RequestError('BUSY', `peer busy: ${e.message}`, opts);
  if (e.code === RESPONSE_ERROR.unavailable)
    return new RequestError('UNAVAILABLE', `not available: ${e.message}`);
  return new RequestError('REFUSED', `refused (code ${e.code}): ${e.message}`);
}

// Bounds on what one request may cost the node: a work budget shared by the calls of one HTTP body or
// WebSocket message, and time slicing so that long RPC work never holds the event loop (and with it
// consensus timers, gossip and disk writes) for more than a few milliseconds at a time.
import { ErrorCode, RpcError } from './errors.ts';

/**
 * Units of work left for one HTTP body or WebSocket message. Expensive methods charge before they
 * start (eth_getLogs: blocks × filter terms; eth_feeHistory: blocks × reward percentiles), so a batch
 * cannot multiply a limit that one call respects.
 */
export class WorkBudget {
  readonly limit: number;
  #remaining: number;

  constructor(limit: number) {
    this.limit = limit;
    this.#remaining = limit;
  }

  /** Takes `units` or throws a -32000 naming the cost; a refused charge takes nothing. */
  charge(units: number, what: string): void {
    if (units > this.#remaining) {
      const left =
        this.#remaining === this.limit ? '' : ` (${this.#remaining} left after earlier calls of the batch)`;
      throw new RpcError(
        ErrorCode.ServerError,
        `request too expensive: ${what} is ${units} units of work, over the limit of ${this.limit} per request${left}; narrow the query`,
      );
    }
    this.#remaining -= units;
  }
}

/** The most RPC work that runs between two turns of the event loop. */
export const SLICE_MS = 5;

// One slice for all RPC work together, not one per request: a hundred concurrent heavy requests still
// let the loop turn every SLICE_MS, because a waiting request is released once per turn.
let sliceStart = performance.now();
const waiting: (() => void)[] = [];
let releaseScheduled = false;

function releaseNext(): void {
  releaseScheduled = false;
  const next = waiting.shift();
  if (!next) return;
  sliceStart = performance.now();
  next();
  // setImmediate from inside the check phase runs in the next turn, after timers and I/O.
  if (waiting.length > 0) scheduleRelease();
}

function scheduleRelease(): void {
  if (releaseScheduled) return;
  releaseScheduled = true;
  setImmediate(releaseNext);
}

/** Thrown into work whose client has gone: nobody will read the answer. */
export function cancelledError(): RpcError {
  return new RpcError(ErrorCode.ServerError, 'request cancelled: the client closed the connection');
}

/**
 * Called between units of long RPC work: waits for the next turn of the event loop once the current
 * slice is used up, and throws once the client has gone (`signal` aborted).
 */
export async function pause(signal: AbortSignal): Promise<void> {
  if (performance.now() - sliceStart >= SLICE_MS) {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      scheduleRelease();
    });
  }
  if (signal.aborted) throw cancelledError();
}

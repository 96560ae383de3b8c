// JSON-RPC to the node that served the page (same origin): calls and batches over HTTP POST, and new
// heads over a WebSocket eth_subscribe('newHeads'), falling back to polling while the socket is down.

export class RpcError extends Error {
  constructor(error) {
    super(typeof error?.message === 'string' ? error.message : 'JSON-RPC error');
    this.name = 'RpcError';
    this.code = error?.code;
    this.data = error?.data;
  }
}

let nextId = 1;

export class Rpc {
  constructor(url = '/') {
    this.url = url;
  }

  async #post(body) {
    let res;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(`the node does not answer (${err?.message ?? err})`);
    }
    if (!res.ok) throw new Error(`the node answered HTTP ${res.status}`);
    return res.json();
  }

  /** One call; a JSON-RPC error is thrown as RpcError. */
  async call(method, params = []) {
    const reply = await this.#post({ jsonrpc: '2.0', id: nextId++, method, params });
    if (reply.error) throw new RpcError(reply.error);
    return reply.result;
  }

  /**
   * Several calls in one HTTP request. Resolves with one entry per call, in order: the result, or an
   * RpcError for a call that failed (the others still count).
   */
  async batch(calls) {
    if (calls.length === 0) return [];
    const first = nextId;
    nextId += calls.length;
    const replies = await this.#post(
      calls.map(([method, params = []], i) => ({ jsonrpc: '2.0', id: first + i, method, params })),
    );
    if (!Array.isArray(replies)) throw new RpcError(replies?.error);
    const byId = new Map(replies.map((r) => [r.id, r]));
    return calls.map((_, i) => {
      const reply = byId.get(first + i);
      if (!reply) return new RpcError({ message: 'no answer in the batch' });
      return reply.error ? new RpcError(reply.error) : reply.result;
    });
  }
}

/** Throws the first failed entry of a batch result; returns the results otherwise. */
export function unwrap(results) {
  for (const r of results) if (r instanceof Error) throw r;
  return results;
}

const POLL_MS = 2000;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

/**
 * Tells `onHead(number)` about each new head height, and `onStatus(status)` about how it knows:
 * 'live' (WebSocket subscription), 'polling' (socket down; eth_blockNumber every 2 s) or 'offline'
 * (the node answers neither). The socket is retried with backoff while polling.
 */
export class HeadFeed {
  #rpc;
  #onHead;
  #onStatus;
  #ws = null;
  #pollTimer = null;
  #retryTimer = null;
  #retryMs = RECONNECT_MIN_MS;
  #status = null;

  constructor(rpc, onHead, onStatus) {
    this.#rpc = rpc;
    this.#onHead = onHead;
    this.#onStatus = onStatus;
  }

  start() {
    this.#connect();
  }

  #setStatus(status) {
    if (status === this.#status) return;
    this.#status = status;
    this.#onStatus(status);
  }

  #connect() {
    this.#retryTimer = null;
    let ws;
    try {
      ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`);
    } catch {
      this.#fallBack();
      return;
    }
    this.#ws = ws;
    let subscription = null;
    ws.addEventListener('open', () => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
    });
    ws.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg.id === 1) {
        if (typeof msg.result !== 'string') {
          ws.close();
          return;
        }
        subscription = msg.result;
        this.#retryMs = RECONNECT_MIN_MS;
        this.#stopPolling();
        this.#setStatus('live');
        // Catch up on anything that happened while the socket was down.
        this.#pollOnce();
      } else if (msg.method === 'eth_subscription' && msg.params?.subscription === subscription) {
        const number = Number.parseInt(msg.params.result?.number, 16);
        if (Number.isSafeInteger(number)) this.#onHead(number);
      }
    });
    // 'error' is always followed by 'close'.
    ws.addEventListener('close', () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#fallBack();
    });
  }

  #fallBack() {
    if (this.#pollTimer === null) {
      this.#pollOnce();
      this.#pollTimer = setInterval(() => this.#pollOnce(), POLL_MS);
    }
    if (this.#retryTimer === null) {
      this.#retryTimer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
    }
  }

  #stopPolling() {
    clearInterval(this.#pollTimer);
    this.#pollTimer = null;
  }

  async #pollOnce() {
    try {
      const number = Number.parseInt(await this.#rpc.call('eth_blockNumber'), 16);
      if (this.#ws === null || this.#status !== 'live') this.#setStatus('polling');
      if (Number.isSafeInteger(number)) this.#onHead(number);
    } catch {
      if (this.#status !== 'live') this.#setStatus('offline');
    }
  }
}

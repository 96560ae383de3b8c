// Counts open connections in total and per client IP address and refuses those over either cap.
// The RPC server keeps one for TCP connections and the WebSocket transport one for its connections.

export type Refusal = 'total' | 'ip';

export class ConnectionLimiter {
  readonly maxTotal: number;
  readonly maxPerIp: number;
  #total = 0;
  readonly #perIp = new Map<string, number>();

  constructor(maxTotal: number, maxPerIp: number) {
    this.maxTotal = maxTotal;
    this.maxPerIp = maxPerIp;
  }

  get size(): number {
    return this.#total;
  }

  /** Counts a new connection from `ip`, or names the cap it would exceed (and counts nothing). */
  admit(ip: string): Refusal | undefined {
    if (this.#total >= this.maxTotal) return 'total';
    const fromIp = this.#perIp.get(ip) ?? 0;
    if (fromIp >= this.maxPerIp) return 'ip';
    this.#total++;
    this.#perIp.set(ip, fromIp + 1);
    return undefined;
  }

  /** Uncounts a connection admitted from `ip`; call exactly once per admitted connection. */
  release(ip: string): void {
    this.#total--;
    const fromIp = (this.#perIp.get(ip) ?? 1) - 1;
    if (fromIp === 0) this.#perIp.delete(ip);
    else this.#perIp.set(ip, fromIp);
  }
}

// Delay and jitter on one link, in user space: this kernel has no netem qdisc. A TCP proxy that
// holds every chunk for `delayMs` ± `jitterMs` (uniform) before passing it on, in order, in both
// directions. The network module steers the link's new connections to it.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface DelayProxy {
  readonly port: number;
  close(): Promise<void>;
}

/** Forwards `data` events from `from` to `to`, each no earlier than the one before it. */
function delayed(from: Socket, to: Socket, delayMs: number, jitterMs: number): void {
  let last = 0;
  from.on('data', (chunk) => {
    const wait = Math.max(0, delayMs + (Math.random() * 2 - 1) * jitterMs);
    const due = Math.max(last, Date.now() + wait);
    last = due;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, due - Date.now());
  });
  from.on('end', () => setTimeout(() => to.end(), Math.max(0, last - Date.now())));
}

export function startDelayProxy(opts: {
  listenHost: string;
  target: { host: string; port: number };
  delayMs: number;
  jitterMs: number;
}): Promise<DelayProxy> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server: Server = createServer((inbound) => {
    track(inbound);
    const outbound = connect(opts.target.port, opts.target.host);
    track(outbound);
    delayed(inbound, outbound, opts.delayMs, opts.jitterMs);
    delayed(outbound, inbound, opts.delayMs, opts.jitterMs);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.listenHost, () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('proxy has no port'));
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

// Node processes the benches start with the CLI (`openchain start`): shared by the benches that run
// real nodes. Their JSON-RPC calls are in load.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { cpuMs } from './procs.ts';

export const CLI = fileURLToPath(new URL('../node/bin/openchain.ts', import.meta.url));

export interface NodeProc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly rpcUrl: string;
  readonly wsUrl: string;
  /** Time (Date.now) of log lines the bench looks for. */
  readonly marks: Map<string, number>;
  /** Rounds of committed blocks by height, from the node's log. */
  readonly commitRounds: Map<number, number>;
  /** When (Date.now, from its log) this node sent its proposal of a height, the last round's if several. */
  readonly proposedAt: Map<number, number>;
  /** Transactions in the blocks it committed, and when (performance.now()) it committed the last one. */
  readonly committed: { txs: number; lastAt: number };
  halted: string | undefined;
  stop(): Promise<void>;
}

/** `cli`: the openchain CLI to run (another checkout's, to compare two versions in one run). */
export function launch(
  home: string,
  name: string,
  args: string[],
  cpuProfDir?: string,
  cli = CLI,
): Promise<NodeProc> {
  const env = { ...process.env };
  if (cpuProfDir) {
    mkdirSync(cpuProfDir, { recursive: true });
    env['NODE_OPTIONS'] = `${env['NODE_OPTIONS'] ?? ''} --cpu-prof --cpu-prof-dir=${resolve(cpuProfDir)}`;
  }
  const child = spawn(process.execPath, [cli, 'start', '--home', home, '--log-format', 'json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const log = createWriteStream(join(home, 'bench-node.log'), { flags: 'a' });
  child.stderr!.pipe(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolveProc, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 60 s; see ${join(home, 'bench-node.log')}`));
    }, 60_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before starting; see ${join(home, 'bench-node.log')}`));
    });
    const marks = new Map<string, number>();
    const commitRounds = new Map<number, number>();
    const proposedAt = new Map<number, number>();
    const committed = { txs: 0, lastAt: Number.NaN };
    let proc: NodeProc | undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const msg = entry['msg'] as string;
      if (msg === 'committed block') {
        commitRounds.set(entry['height'] as number, entry['round'] as number);
        committed.txs += entry['txs'] as number;
        committed.lastAt = performance.now();
      } else if (msg === 'proposed block') {
        proposedAt.set(entry['height'] as number, entry['time'] as number);
      } else if (!marks.has(msg)) marks.set(msg, (entry['time'] as number | undefined) ?? Date.now());
      if (msg === 'consensus halted' && proc)
        proc.halted = String((entry['err'] as { message?: string })?.message);
      if (msg === 'node running') {
        clearTimeout(timer);
        const rpcUrl = entry['rpcUrl'] as string;
        proc = {
          name,
          child,
          rpcUrl,
          wsUrl: (entry['wsUrl'] as string | undefined) ?? rpcUrl.replace(/^http/, 'ws'),
          marks,
          commitRounds,
          proposedAt,
          committed,
          halted: undefined,
          async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.kill('SIGTERM');
            await exited;
            clearTimeout(kill);
            log.end();
          },
        };
        resolveProc(proc);
      }
    });
  });
}

export function totalCpuMs(nodes: readonly NodeProc[]): number | null {
  let sum = 0;
  for (const n of nodes) {
    const ms = cpuMs(n.child.pid);
    if (ms === null) return null;
    sum += ms;
  }
  return sum;
}

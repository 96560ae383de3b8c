// Driving the real `openchain` command as separate processes, for end-to-end tests.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const CLI = new URL('../../node/bin/openchain.ts', import.meta.url).pathname;
const run = promisify(execFile);
/** Generous: on a shared, loaded machine a command or a node's start can take over a minute. */
const START_TIMEOUT_MS = 120_000;

/** Runs a one-shot CLI command to completion; rejects with its stderr on a non-zero exit. */
export async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args], { timeout: START_TIMEOUT_MS });
}

/** Runs a CLI command expected to fail; resolves with its exit code and stderr. */
export async function cliFails(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args], { timeout: START_TIMEOUT_MS });
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`expected openchain ${args.join(' ')} to fail`);
}

/** Starts a long-running CLI command (e.g. `challenge --follow`); the caller reads its output and ends it. */
export function cliProcess(...args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly rpcUrl: string;
  /** Every log line so far (JSON, parsed). */
  readonly logs: Record<string, unknown>[];
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9) and wait. */
  kill(): Promise<void>;
}

/** Starts `openchain start` on free RPC and p2p ports; resolves once it logged its RPC URL. */
export function startNode(home: string, ...extra: string[]): Promise<NodeProcess> {
  return launch(home, ['--rpc-port', '0', '--p2p-port', '0', ...extra]);
}

/** Starts a node on the ports its config names (devnet homes, whose peers know those ports). */
export function startConfiguredNode(home: string, ...extra: string[]): Promise<NodeProcess> {
  return launch(home, extra);
}

export interface LaunchOptions {
  /** A command the node runs under, e.g. `ip netns exec NS` (it must exec, keeping the pid). */
  readonly prefix?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Every stdout and stderr line is also appended here. */
  readonly logFile?: string;
  /** How long to wait for "node running" (default 60 s). */
  readonly startTimeoutMs?: number;
}

export function launch(home: string, args: string[], opts: LaunchOptions = {}): Promise<NodeProcess> {
  const argv = [process.execPath, CLI, 'start', '--home', home, '--log-format', 'json', ...args];
  const [command, ...rest] = [...(opts.prefix ?? []), ...argv];
  const child = spawn(command!, rest, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  if (opts.logFile) {
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.once('exit', () => log.end());
  }
  const logs: Record<string, unknown>[] = [];
  const startTimeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A node that dies while a test waits on it would otherwise show only as a timeout elsewhere.
  // Exits a test asks for (stop, kill, or a signal sent by a fault harness) are not reported.
  let started = false;
  let ended = false;
  child.once('exit', (code, signal) => {
    const asked =
      ended || code === 0 || (signal !== null && ['SIGKILL', 'SIGTERM', 'SIGINT'].includes(signal));
    if (!started || asked) return;
    const errors = logs.filter((l) => Number(l['level']) >= 50).slice(-3);
    process.stderr.write(
      `openchain node ${home} exited unexpectedly (${signal ?? `code ${code}`}); ` +
        `last errors: ${JSON.stringify(errors)}; stderr: ${stderr.slice(-2_000)}\n`,
    );
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node did not start within ${startTimeoutMs / 1000} s; stderr: ${stderr}`));
    }, startTimeoutMs);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before starting; stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry['msg'] === 'node running') {
        clearTimeout(timer);
        started = true;
        resolve({
          child,
          rpcUrl: entry['rpcUrl'] as string,
          logs,
          stop: () => {
            ended = true;
            child.kill('SIGTERM');
            return exited;
          },
          kill: async () => {
            ended = true;
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
  });
}

export async function rpc<T = unknown>(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs?: number,
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

// A scorer run as a command (`attestation.scorer = { "command": ["path", "arg", …] }`): spawned
// once per record in the node home, the request of protocol.ts on its stdin, the reply on its
// stdout (stderr is the scorer's own log; its last lines go into the reason when it fails). It
// must exit 0 within `attestation.scorerTimeoutMs` and print at most MAX_REPLY_BYTES.
import { spawn } from 'node:child_process';
import { encodeRequest, MAX_REPLY_BYTES, parseReply } from './protocol.ts';
import { Abstain, type Backend } from './scorer.ts';

export function commandBackend(command: readonly string[], timeoutMs: number, cwd: string): Backend {
  const [file, ...args] = command;
  if (file === undefined) throw new RangeError('a scorer command needs at least a program');
  return (request) =>
    new Promise((resolve, reject) => {
      // Its own process group, so that a timeout kills what a wrapper script started too (a shell
      // running the real scorer would otherwise leave it running after the shell is killed).
      const child = spawn(file, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      let outBytes = 0;
      let errTail = '';
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Abstain(reason));
      };
      const killGroup = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      const timer = setTimeout(() => {
        killGroup();
        fail(`${file} did not answer within ${timeoutMs} ms (killed)`);
      }, timeoutMs);

      child.on('error', (err) => fail(`cannot run ${file}: ${err.message}`));
      // A scorer that exits without reading its input breaks the pipe; its exit status says why.
      child.stdin.on('error', () => {});
      child.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.length;
        if (outBytes > MAX_REPLY_BYTES) {
          killGroup();
          fail(`${file} printed more than ${MAX_REPLY_BYTES} bytes (killed)`);
        } else out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        errTail = (errTail + chunk.toString()).slice(-200);
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        if (code !== 0) {
          const stderr = errTail.trim() ? `: ${errTail.trim()}` : '';
          fail(`${file} exited with ${signal ? `signal ${signal}` : `status ${code}`}${stderr}`);
          return;
        }
        settled = true;
        clearTimeout(timer);
        try {
          resolve(parseReply(Buffer.concat(out)));
        } catch (err) {
          reject(err);
        }
      });
      child.stdin.end(encodeRequest(request));
    });
}

// The command and HTTP scorers against real child processes and a real HTTP server on loopback,
// each behaving as one row of the table: the same reply, or the same failure, through both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBackend } from '../../../node/attestation/command.ts';
import { httpBackend } from '../../../node/attestation/http.ts';
import { MAX_REPLY_BYTES } from '../../../node/attestation/protocol.ts';
import { type Scorer, scorer } from '../../../node/attestation/scorer.ts';
import { captureLog, request } from './helpers.ts';

/**
 * What each scorer does with a request (`req`, parsed JSON): `reply(req)` returns what it prints
 * or serves; `fail` is its failure mode instead. The honest one scores each candidate by the
 * byte length of its content, which only a correctly decoded request gives.
 */
const honest = `JSON.stringify({ scores: req.candidates.map((c) => Buffer.from(c.content, 'base64').length) })`;
const behaviours: Record<string, { reply?: string; fail?: 'hang' | 'crash'; expect: RegExp | number[] }> = {
  good: { reply: honest, expect: [9, 0, 53] },
  hang: { fail: 'hang', expect: /did not answer within 500 ms/ },
  crash: { fail: 'crash', expect: /(exited with status 3: boom|HTTP 500)/ },
  garbage: { reply: `'scores: 1, 2'`, expect: /the reply is not JSON: "scores: 1, 2"/ },
  'wrong shape': {
    reply: `'[1, 2]'`,
    expect: /neither \{"scores": \[...\]\} nor \{"abstain": "..."\}: \[1,2\]/,
  },
  'wrong count': { reply: `JSON.stringify({ scores: [1] })`, expect: /1 scores for 2 candidates/ },
  'out of range': { reply: `JSON.stringify({ scores: [1, 10001] })`, expect: /score 10001 of candidate 1/ },
  'huge output': { reply: `' '.repeat(${MAX_REPLY_BYTES + 1})`, expect: /more than 65536 bytes/ },
  abstention: {
    reply: `JSON.stringify({ abstain: 'no GPU today' })`,
    expect: /the scorer abstained: no GPU today/,
  },
};

const dir = mkdtempSync(join(tmpdir(), 'openchain-scorer-'));
let server: Server;
let base: string;

function script(name: string, body: string): string {
  const path = join(dir, `${name.replace(/ /g, '-')}.mjs`);
  writeFileSync(path, body);
  return path;
}

beforeAll(async () => {
  for (const [name, b] of Object.entries(behaviours)) {
    const respond =
      b.fail === 'hang'
        ? 'setInterval(() => {}, 1000);'
        : b.fail === 'crash'
          ? `process.stderr.write('boom'); process.exit(3);`
          : `process.stdout.write(${b.reply});`;
    script(
      name,
      `let input = ''; process.stdin.on('data', (d) => (input += d));
       process.stdin.on('end', () => { const req = JSON.parse(input); ${respond} });`,
    );
  }
  server = createServer((req, res) => {
    let input = '';
    req.on('data', (d) => (input += d));
    req.on('end', () => {
      const b = behaviours[decodeURIComponent(req.url!.slice(1))]!;
      if (b.fail === 'hang') return; // never answers
      if (b.fail === 'crash') return res.writeHead(500).end('boom');
      const parsed = JSON.parse(input);
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/json')
        return res.writeHead(400).end();
      res.end(new Function('req', `return ${b.reply}`)(parsed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const timeout = (name: string) => (name === 'hang' ? 500 : 20_000);
const kinds: Record<string, (name: string) => Scorer> = {
  command: (name) =>
    scorer(
      'command',
      commandBackend([process.execPath, `${name.replace(/ /g, '-')}.mjs`], timeout(name), dir),
      captureLog().log,
    ),
  http: (name) =>
    scorer('http', httpBackend(`${base}/${encodeURIComponent(name)}`, timeout(name)), captureLog().log),
};

describe.each(Object.keys(kinds))('the %s scorer', (kind) => {
  it.each(Object.keys(behaviours))('%s', async (name) => {
    const result = await kinds[kind]!(name).score(request);
    const expected = behaviours[name]!.expect;
    if (Array.isArray(expected))
      expect(result).toEqual({ kind: 'scored', scores: expected, unavailable: [18446744073709551615n] });
    else {
      expect(result.kind).toBe('abstained');
      expect(result.kind === 'abstained' && result.reason).toMatch(expected);
    }
  });
});

describe('the command scorer', () => {
  it('abstains when the program cannot be run', async () => {
    const result = await scorer(
      'command',
      commandBackend([join(dir, 'missing')], 5000, dir),
      captureLog().log,
    ).score(request);
    expect(result).toMatchObject({
      kind: 'abstained',
      reason: expect.stringMatching(/cannot run .*missing: spawn .* ENOENT/),
    });
  });

  it('abstains when it exits 0 without reading its input or printing anything', async () => {
    const path = script('silent', 'process.exit(0);');
    const result = await scorer(
      'command',
      commandBackend([process.execPath, path], 20_000, dir),
      captureLog().log,
    ).score(request);
    expect(result).toMatchObject({
      kind: 'abstained',
      reason: expect.stringMatching(/the reply is not JSON: ""/),
    });
  });

  it('on a timeout kills what the scorer started too (its process group)', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const path = script(
      'wrapper',
      `import { spawn } from 'node:child_process'; import { writeFileSync } from 'node:fs';
       const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
       writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
       setInterval(() => {}, 1000);`,
    );
    const result = await scorer(
      'command',
      commandBackend([process.execPath, path], 1500, dir),
      captureLog().log,
    ).score(request);
    expect(result).toMatchObject({
      kind: 'abstained',
      reason: expect.stringMatching(/did not answer within 1500 ms/),
    });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // SIGKILL is delivered at once, but the process table entry goes when its parent (init) reaps it.
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      const state = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)])
        .stdout.toString()
        .trim();
      alive = state !== '' && !state.startsWith('Z');
      if (alive) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(alive).toBe(false);
  });
});

describe('the HTTP scorer', () => {
  it('abstains when nothing listens', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await scorer(
      'http',
      httpBackend(`http://127.0.0.1:${port}/`, 5000),
      captureLog().log,
    ).score(request);
    expect(result).toMatchObject({
      kind: 'abstained',
      reason: expect.stringMatching(/fetch failed \(.*ECONNREFUSED/),
    });
  });
});

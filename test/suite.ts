// `npm test`'s vitest stage: the unit and e2e projects as two vitest processes side by side.
//
// One vitest process runs its projects' groups one after another (a project with one worker, as
// e2e must be, is a group of its own), so unit + e2e took their sum: 213 s + 527 s in the last
// clean-clone run. But an e2e file mostly waits on its devnet's blocks (about 0.6 of a core), and
// the unit files on one worker fit in that time. Here e2e runs its files one at a time as before,
// while unit runs alongside on one worker (two would slow the devnets, the longer path); the
// stage takes about as long as e2e alone. Extra arguments are vitest filters, given to both.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const filters = process.argv.slice(2);
const started = performance.now();

function run(project: string, env: NodeJS.ProcessEnv): Promise<{ project: string; code: number; s: number }> {
  // `unit*` also takes unit-isolated, the files that swap modules (vitest.config.ts).
  const args = [
    vitest,
    'run',
    '--project',
    `${project}*`,
    ...(filters.length ? ['--passWithNoTests', ...filters] : []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Piped output is not a terminal: vitest prints a line per file instead of redrawing a status
    // area, so the two processes' lines interleave whole. Colours stay if ours is a terminal.
    env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}), ...env },
  });
  const prefix = `[${project}] `;
  createInterface({ input: child.stdout! }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
  return new Promise((resolve) =>
    child.once('close', (code, signal) =>
      resolve({ project, code: code ?? (signal ? 1 : 0), s: (performance.now() - started) / 1000 }),
    ),
  );
}

const results = await Promise.all([run('e2e', {}), run('unit', { OPENCHAIN_UNIT_WORKERS: '1' })]);
for (const r of results)
  console.log(`${r.project}: ${r.code === 0 ? 'passed' : `failed (exit ${r.code})`} at ${r.s.toFixed(0)} s`);
console.log(`vitest stage: ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;

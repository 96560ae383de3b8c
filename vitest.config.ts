import { defineConfig } from 'vitest/config';

// Unit tests run two files at a time: on a 2-core machine vitest's default is one worker (cores - 1),
// and many unit files spend their time waiting on sockets, LevelDB and timers, so a second worker
// fills the idle core. End-to-end tests start real node processes and bind loopback ports, so they
// run one file at a time, after the unit tests, to keep the devnets from timing each other out.
// `npm test` (test/suite.ts) runs the two projects as two processes at once instead, unit on one
// worker (OPENCHAIN_UNIT_WORKERS), so that the unit files fill the core the devnets leave idle.
const ISOLATED = 'test/**/*.isolated.test.ts';

const unit = {
  include: ['test/**/*.test.ts'],
  maxWorkers: Number(process.env['OPENCHAIN_UNIT_WORKERS'] ?? 2),
  testTimeout: 30_000,
  // A hook that starts a node and waits for blocks gets what a test gets (vitest's default
  // 10 s failed beforeAll hooks on a loaded machine).
  hookTimeout: 30_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...unit,
          name: 'unit',
          exclude: ['test/e2e/**', ISOLATED],
          // The unit files of a worker share one module graph: evaluated once per worker instead of
          // once per file, the imports (viem, libp2p, noble, zod) cost 10 s instead of 300 s of CPU
          // per run. A file that swaps a module (vi.mock) cannot share it: it is named
          // *.isolated.test.ts (test/isolation.test.ts checks), and runs in the next project.
          isolate: false,
        },
      },
      {
        test: { ...unit, name: 'unit-isolated', include: [ISOLATED] },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// Mutation testing runs the unit tests of the folders it mutates (core, consensus, state): a mutant
// is judged by the tests that cover it. RPC, p2p and end-to-end tests start servers or real node
// processes from the unmutated sources, so they would cost minutes per run and judge nothing.
// test/node/privval.test.ts is the one node test of mutated code (the signer's double-sign guard).
// MUTATION_TESTS (comma-separated test files) narrows a one-file run to that file's own tests: on a
// loaded machine the dry run of every unit test alone takes minutes (docs/testing.md).
const only = process.env.MUTATION_TESTS?.split(',').filter(Boolean);

export default defineConfig({
  test: {
    include: only?.length
      ? only
      : [
          'test/core/**/*.test.ts',
          'test/consensus/**/*.test.ts',
          'test/state/**/*.test.ts',
          'test/node/privval.test.ts',
        ],
    testTimeout: 30_000,
  },
});

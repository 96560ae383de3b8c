// The CLI's own program parsed in-process (a child process per command costs seconds of start-up on
// a loaded machine; test/e2e runs the real processes): what a command printed and the error it
// ended with (main() would print that as `error: MESSAGE` and exit 1).
import type { Command } from 'commander';
import { vi } from 'vitest';
import { buildProgram } from '../../node/cli.ts';

export async function runProgram(args: readonly string[]): Promise<{ stdout: string; error?: Error }> {
  const program = buildProgram();
  // Commander's usage errors throw instead of exiting the test process.
  const quiet = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    for (const sub of cmd.commands) quiet(sub);
  };
  quiet(program);
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { stdout };
  } catch (error) {
    return { stdout, error: error as Error };
  } finally {
    write.mockRestore();
  }
}

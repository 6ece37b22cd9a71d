import { Command } from 'commander';
import { vi } from 'vitest';
import { toCliError } from '../cli-error';

/** Runs one subcommand in-process (no tfjs loaded) and captures what it prints and how it ends; not reentrant (run them one at a time). */
export const runCommand = async (
  register: (program: Command) => void,
  argv: readonly string[],
): Promise<{ readonly stdout: string; readonly error: string | undefined; readonly exitCode: number }> => {
  const program = new Command('approx-darts').exitOverride();
  register(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { stdout, error: undefined, exitCode: 0 };
  } catch (e) {
    const err = toCliError(e);
    return { stdout, error: err.message, exitCode: err.exitCode };
  } finally {
    spy.mockRestore();
  }
};

import { CommanderError } from 'commander';
import { exitWebgpu } from '@approx-darts/engine-webgpu';
import { buildProgram } from './program';
import { toCliError } from './cli-error';

// The one place where errors become exit codes: the user sees a message, never a stack trace
// (set APPROX_DARTS_DEBUG=1 to see it).
const main = async (argv: readonly string[]): Promise<number> => {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const err = toCliError(e);
    process.stderr.write(`approx-darts: ${err.message}\n`);
    if (process.env['APPROX_DARTS_DEBUG'] && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return err.exitCode;
  }
};

// Dawn keeps the event loop alive while navigator.gpu is referenced, so every command, finished or failed (main
// never throws), exits explicitly; exitWebgpu drops that reference first and is a plain exit on other engines.
exitWebgpu(await main(process.argv.slice(2)));

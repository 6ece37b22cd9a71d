import { Command } from 'commander';
import { registerCommands } from './commands/index';

/** Builds the `approx-darts` command tree; kept apart from main.ts so tests can drive it in-process. */
export const buildProgram = (): Command => {
  const program = new Command('approx-darts')
    .description('Neural architecture search with 8-bit approximate multipliers (ApproxDARTS)')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
};

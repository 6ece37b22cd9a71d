import type { Command } from 'commander';
import { CliError } from '../cli-error';

/** An honest placeholder: the command exists in --help but refuses to run, with exit code 2. */
export const notImplemented =
  (name: string, issue: string) =>
  (): never => {
    throw new CliError(`'${name}' is not implemented yet (${issue})`, 2);
  };

/** Registers a placeholder subcommand that accepts anything and exits 2. */
export const registerPlaceholder = (program: Command, name: string, description: string, issue: string): void => {
  program
    .command(name)
    .description(`${description} [not implemented yet]`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(notImplemented(name, issue));
};

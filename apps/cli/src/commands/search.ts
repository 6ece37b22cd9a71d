import type { Command } from 'commander';
import { registerPlaceholder } from './not-implemented';

export const register = (program: Command): void =>
  registerPlaceholder(program, 'search', 'Search a normal and a reduction cell (bi-level DARTS with approximate convolutions)', 'issue 7');

import type { Command } from 'commander';
import { registerPlaceholder } from './not-implemented';

export const register = (program: Command): void =>
  registerPlaceholder(program, 'multipliers', 'List, show and import 8-bit approximate multipliers', 'issue 4');

import type { Command } from 'commander';
import { registerPlaceholder } from './not-implemented';

export const register = (program: Command): void =>
  registerPlaceholder(program, 'energy', 'Parameters, MACs and arithmetic energy of an evaluation network', 'issue 8');

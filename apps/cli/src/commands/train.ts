import type { Command } from 'commander';
import { registerPlaceholder } from './not-implemented';

export const register = (program: Command): void =>
  registerPlaceholder(program, 'train', 'Train the network derived from a genotype', 'issue 8');

import type { Command } from 'commander';
import { registerPlaceholder } from './not-implemented';

export const register = (program: Command): void =>
  registerPlaceholder(program, 'genotype', 'Derive, show and convert genotypes', 'issue 3');

import type { Command } from 'commander';
import { registerPlaceholder } from './not-implemented';

export const register = (program: Command): void =>
  registerPlaceholder(program, 'eval', 'Evaluate a trained network under one or several multipliers', 'issue 8');

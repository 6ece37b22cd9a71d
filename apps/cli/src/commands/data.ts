import type { Command } from 'commander';
import { registerPlaceholder } from './not-implemented';

export const register = (program: Command): void =>
  registerPlaceholder(program, 'data', 'Inspect, verify and fetch CIFAR-10', 'issue 5');

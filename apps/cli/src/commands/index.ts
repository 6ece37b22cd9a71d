import type { Command } from 'commander';
import { register as search } from './search';
import { register as train } from './train';
import { register as evaluate } from './eval';
import { register as energy } from './energy';
import { register as multipliers } from './multipliers';
import { register as genotype } from './genotype';
import { register as space } from './space';
import { register as data } from './data';
import { register as doctor } from './doctor';
import { register as sweep } from './sweep';
import { register as pareto } from './pareto';
import { register as exportRun } from './export';
import { register as compare } from './compare';

/** Every subcommand, registered in one place, in the order --help lists them. */
export const registerCommands = (program: Command): void => {
  for (const register of [search, train, evaluate, energy, multipliers, genotype, space, data, sweep, pareto, compare, exportRun, doctor]) register(program);
};

import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { builtinGenotype, decodeGenotypeJson, parsePythonGenotype, type Genotype } from '@approx-darts/genotype';
import { CliError } from '../cli-error';

/** `--genotype`: a built-in name (DARTS_V1, DARTS_V2), or a file holding a genotype as JSON or as DARTS's Python text. */
export const loadGenotypeOption = async (arg: string): Promise<Genotype> => {
  const builtin = builtinGenotype(arg);
  if (O.isSome(builtin)) return builtin.value;
  const text = await readFile(arg, 'utf8').catch((e: unknown) => {
    throw new CliError(`--genotype ${arg}: not a built-in genotype (DARTS_V1, DARTS_V2) and not a readable file (${e instanceof Error ? e.message : String(e)})`);
  });
  const parsed = pipe(
    E.tryCatch(() => JSON.parse(text) as unknown, () => 'not JSON'),
    E.fold(
      () => parsePythonGenotype(text),
      (json) => decodeGenotypeJson(json),
    ),
  );
  return pipe(
    parsed,
    E.getOrElseW((problem) => {
      throw new CliError(`--genotype ${arg}: ${problem}`);
    }),
  );
};

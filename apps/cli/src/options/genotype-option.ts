import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import { pipe } from 'fp-ts/function';
import { builtinGenotype, decodeGenotypeJson, impliedSpace, parsePythonGenotype, validateGenotype, type Genotype } from '@approx-darts/genotype';
import { CliError } from '../cli-error';

/** `--genotype`: a built-in name (DARTS_V1, DARTS_V2), or a file holding a genotype as JSON or as DARTS's Python text. */
export const loadGenotypeOption = async (arg: string): Promise<Genotype> => {
  const builtin = builtinGenotype(arg);
  if (O.isSome(builtin)) return builtin.value;
  const text = await readFile(arg, 'utf8').catch((e: unknown) => {
    throw new CliError(`--genotype ${arg}: not a built-in genotype (DARTS_V1, DARTS_V2) and not a readable file (${e instanceof Error ? e.message : String(e)})`);
  });
  const json = E.tryCatch(
    () => JSON.parse(text) as unknown,
    (e) => (e instanceof Error ? e.message : String(e)),
  );
  // Neither form: say both were tried, rather than the Python parser's "no 'Genotype(' found".
  if (E.isLeft(json) && !text.includes('Genotype('))
    throw new CliError(`--genotype ${arg}: not a genotype file: neither JSON (${json.left.replace(/\s+/g, ' ')}) nor DARTS Python text (Genotype(normal=..., ...))`);
  const parsed = E.isRight(json) ? decodeGenotypeJson(json.right) : parsePythonGenotype(text);
  const genotype = pipe(
    parsed,
    E.getOrElseW((problem) => {
      throw new CliError(`--genotype ${arg}: ${problem}`);
    }),
  );
  // Checked against the space it implies (as `genotype show` does), so an empty concat or a bad input is refused
  // here rather than as a tensor error minutes into training.
  return pipe(
    impliedSpace(genotype),
    E.chain((space) => validateGenotype(space)(genotype)),
    E.getOrElseW((problem) => {
      throw new CliError(`--genotype ${arg}: ${problem.split('\n').join('; ')}`);
    }),
  );
};

import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import * as O from 'fp-ts/Option';
import * as t from 'io-ts';
import { DARTS_SPACE, decodeSearchSpace, type SearchSpace } from '@approx-darts/search-space';
import {
  BUILTIN_GENOTYPES,
  Genotype,
  builtinGenotype,
  decodeAlphas,
  decodeGenotypeJson,
  derive,
  formatGenotype,
  genotypeToDot,
  genotypeToJson,
  impliedSpace,
  parsePythonGenotype,
  printPythonGenotype,
  validateGenotype,
} from '@approx-darts/genotype';
import { CliError } from '../cli-error';

/** Output formats of `genotype show`. */
const ShowFormat = t.keyof({ text: null, json: null, python: null, dot: null });
type ShowFormat = t.TypeOf<typeof ShowFormat>;

const ShowOptions = t.intersection([t.type({ format: ShowFormat }), t.partial({ png: t.string, space: t.string })]);
const DeriveOptions = t.partial({ json: t.boolean, space: t.string });

// Every message about a file starts with the file's name; multi-line decode errors get it on each line.
const inFile = (file: string, message: string): string =>
  message
    .split('\n')
    .map((line) => `${basename(file)}: ${line}`)
    .join('\n');

const orThrow = <A>(file: string, e: E.Either<string, A>): A => {
  if (E.isLeft(e)) throw new CliError(inFile(file, e.left));
  return e.right;
};

const readText = (file: string): string => {
  if (!existsSync(file)) throw new CliError(`${file}: no such file`);
  return readFileSync(file, 'utf8');
};

const parseJson = (file: string, text: string): unknown =>
  orThrow(
    file,
    E.tryCatch(
      () => JSON.parse(text) as unknown,
      (e) => `not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    ),
  );

const decodeOptions = <A>(codec: t.Type<A, unknown, unknown>, opts: unknown): A =>
  pipe(
    codec.decode(opts),
    E.getOrElseW(() => {
      throw new CliError(`invalid options; --format must be one of ${Object.keys(ShowFormat.keys).join(', ')}`);
    }),
  );

const loadSpace = (file: string | undefined): SearchSpace => (file === undefined ? DARTS_SPACE : orThrow(file, decodeSearchSpace(parseJson(file, readText(file)))));

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null;

// A JSON genotype: the flat DARTS form, a run record that holds one under `genotype`, or the nested form.
const genotypeFromJson = (json: unknown): E.Either<string, Genotype> => {
  if (Genotype.is(json)) return E.right(json);
  if (isRecord(json) && !('normal' in json) && 'genotype' in json)
    return pipe(
      decodeGenotypeJson(json['genotype']),
      E.mapLeft((m) => m.replace(/^/gm, 'genotype.')),
    );
  return decodeGenotypeJson(json);
};

/** FILE (JSON or a Python genotype string) or the name of a built-in genotype. */
const loadGenotype = (source: string): { readonly label: string; readonly genotype: Genotype } => {
  if (!existsSync(source)) {
    const builtin = builtinGenotype(source);
    if (O.isSome(builtin)) return { label: source, genotype: builtin.value };
    throw new CliError(`${source}: no such file or built-in genotype (built-ins: ${Object.keys(BUILTIN_GENOTYPES).join(', ')})`);
  }
  const text = readText(source);
  const json = E.tryCatch(
    () => JSON.parse(text) as unknown,
    () => undefined,
  );
  if (E.isLeft(json) && !text.includes('Genotype('))
    throw new CliError(`${source}: not a genotype file: neither JSON nor DARTS Python text (Genotype(normal=..., ...))`);
  const genotype = E.isRight(json) ? genotypeFromJson(json.right) : parsePythonGenotype(text);
  return { label: source, genotype: orThrow(source, genotype) };
};

// Graphviz is a system program we do not install; find it on PATH rather than assuming it.
const findOnPath = (program: string): string | undefined =>
  (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, program))
    .find((path) => existsSync(path));

const writePng = (dot: string, file: string): void => {
  const program = findOnPath('dot');
  if (program === undefined)
    throw new CliError(
      `cannot write ${file}: the Graphviz 'dot' program is not on PATH. Install Graphviz, or write the DOT text with --format dot and render it elsewhere.`,
      2,
    );
  const run = spawnSync(program, ['-Tpng', '-o', file], { input: dot, encoding: 'utf8' });
  if (run.status !== 0) throw new CliError(`dot failed to write ${file}: ${run.stderr || run.error?.message || `exit ${run.status}`}`);
};

const render = (genotype: Genotype, format: ShowFormat, space: SearchSpace): string => {
  switch (format) {
    case 'text':
      return `${formatGenotype(genotype, space.topology.inputs)}\n${printPythonGenotype(genotype)}`;
    case 'json':
      return JSON.stringify(genotypeToJson(genotype));
    case 'python':
      return printPythonGenotype(genotype);
    case 'dot':
      return genotypeToDot(genotype, space.topology.inputs).trimEnd();
  }
};

export const register = (program: Command): void => {
  const genotype = program.command('genotype').description('Derive, show and convert genotypes');

  genotype
    .command('derive')
    .description('Derive a genotype from architecture weights (the DARTS rule: top-k edges per node, best non-none op)')
    .argument('<alphas>', 'JSON file {"normal": number[14][8], "reduce": number[14][8]}: rows = edges in DARTS order, columns = the op set order')
    .option('--json', 'print the flat DARTS JSON form')
    .option('--space <file>', 'search space JSON (default: the DARTS space)')
    .action((file: string, raw: unknown) => {
      const opts = decodeOptions(DeriveOptions, raw);
      const space = loadSpace(opts.space);
      const alphas = orThrow(file, decodeAlphas(space)(parseJson(file, readText(file))));
      const derived = derive(space)(alphas);
      process.stdout.write(`${opts.json === true ? JSON.stringify(genotypeToJson(derived)) : render(derived, 'text', space)}\n`);
    });

  genotype
    .command('show')
    .description(`Show a genotype from a file (JSON, a search run's genotype.json, or a Python genotype string) or a built-in (${Object.keys(BUILTIN_GENOTYPES).join(', ')})`)
    .argument('<source>', 'genotype file or built-in name')
    .option('--format <format>', 'text | json | python | dot', 'text')
    .option('--png <file>', "also render both cells to a PNG (needs Graphviz's dot on PATH)")
    .option('--space <file>', "search space JSON to validate against (default: the space the genotype implies: its op sets or op names, its node count)")
    .action((source: string, raw: unknown) => {
      const opts = decodeOptions(ShowOptions, raw);
      const { label, genotype: loaded } = loadGenotype(source);
      // Without --space, a genotype is checked against the space it implies (its op sets or names, its node count).
      const space = opts.space === undefined ? orThrow(label, impliedSpace(loaded)) : loadSpace(opts.space);
      const valid = orThrow(label, validateGenotype(space)(loaded));
      if (opts.png !== undefined) writePng(genotypeToDot(valid, space.topology.inputs), opts.png);
      process.stdout.write(`${render(valid, opts.format, space)}\n`);
    });
};

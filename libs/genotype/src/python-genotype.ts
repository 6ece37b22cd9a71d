import { pipe } from 'fp-ts/function';
import * as E from 'fp-ts/Either';
import { edgesPerNodeOf, groupEdges, flattenCell, type Genotype, type GenotypeCell, type GenotypeEdge } from './genotype';

// The subset of Python literals a DARTS genotype string uses: calls with keyword arguments, lists, tuples,
// quoted strings and integers. Parsed into a tiny syntax tree first, then interpreted.
type Value =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'seq'; readonly items: readonly Value[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Value[]; readonly kwargs: ReadonlyMap<string, Value> };

class ParseFailure extends Error {}

const parseValue = (text: string, start: number): { readonly value: Value; readonly end: number } => {
  let pos = start;
  const fail = (what: string): never => {
    throw new ParseFailure(`at character ${pos}: expected ${what}, found ${JSON.stringify(text.slice(pos, pos + 12) || 'end of text')}`);
  };
  const skip = (): void => {
    while (pos < text.length && /\s/.test(text[pos] ?? '')) pos++;
  };
  const eat = (ch: string): boolean => {
    skip();
    if (text[pos] !== ch) return false;
    pos++;
    return true;
  };
  // Comma-separated items up to `close`, a trailing comma allowed.
  const items = <A>(close: string, item: () => A): A[] => {
    const out: A[] = [];
    while (!eat(close)) {
      out.push(item());
      if (!eat(',')) {
        if (!eat(close)) fail(`',' or '${close}'`);
        break;
      }
    }
    return out;
  };
  const value = (): Value => {
    skip();
    const ch = text[pos] ?? '';
    if (ch === "'" || ch === '"') {
      const close = text.indexOf(ch, pos + 1);
      if (close < 0) fail('a closing quote');
      const str = text.slice(pos + 1, close);
      pos = close + 1;
      return { kind: 'str', value: str };
    }
    const int = /^-?\d+/.exec(text.slice(pos));
    if (int) {
      pos += int[0].length;
      return { kind: 'int', value: Number(int[0]) };
    }
    if (eat('[')) return { kind: 'seq', items: items(']', value) };
    if (eat('(')) return { kind: 'seq', items: items(')', value) };
    const name = /^[A-Za-z_][\w.]*/.exec(text.slice(pos));
    if (!name) return fail('a value');
    pos += name[0].length;
    if (!eat('(')) fail(`'(' after ${name[0]}`);
    const args: Value[] = [];
    const kwargs = new Map<string, Value>();
    items(')', () => {
      skip();
      const kw = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(text.slice(pos));
      if (kw) {
        pos += kw[0].length;
        kwargs.set(kw[1] ?? '', value());
      } else args.push(value());
    });
    return { kind: 'call', name: name[0], args, kwargs };
  };
  return { value: value(), end: pos };
};

const intsOf = (field: string, v: Value | undefined): E.Either<string, readonly number[]> => {
  if (v?.kind === 'seq' && v.items.every((i) => i.kind === 'int')) return E.right(v.items.map((i) => (i.kind === 'int' ? i.value : 0)));
  // range(a, b) and range(b), as DARTS writes concat; list(range(...)) too.
  if (v?.kind === 'call' && v.name === 'list' && v.args.length === 1) return intsOf(field, v.args[0]);
  if (v?.kind === 'call' && v.name === 'range' && v.args.every((a) => a.kind === 'int') && (v.args.length === 1 || v.args.length === 2)) {
    const [a, b] = v.args.map((x) => (x.kind === 'int' ? x.value : 0));
    const [lo, hi] = b === undefined ? [0, a ?? 0] : [a ?? 0, b];
    return E.right(Array.from({ length: Math.max(0, hi - lo) }, (_, i) => lo + i));
  }
  return E.left(`${field} must be a list of integers or range(a, b)`);
};

const edgesOf = (field: string, v: Value | undefined): E.Either<string, readonly GenotypeEdge[]> => {
  if (v?.kind !== 'seq') return E.left(`${field} must be a list of (op, input) pairs`);
  const edges = v.items.map((item): GenotypeEdge | undefined => {
    const [op, input, multiplier] = item.kind === 'seq' && (item.items.length === 2 || item.items.length === 3) ? item.items : [];
    if (op?.kind !== 'str' || input?.kind !== 'int') return undefined;
    if (multiplier === undefined) return { op: op.value, input: input.value };
    return multiplier.kind === 'str' ? { op: op.value, input: input.value, multiplier: multiplier.value } : undefined;
  });
  const bad = edges.findIndex((e) => e === undefined);
  return bad >= 0 ? E.left(`${field}[${bad}] must be an ('op', input) pair or an ('op', input, 'multiplier') triple`) : E.right(edges.filter((e): e is GenotypeEdge => e !== undefined));
};

const cellOf = (kwargs: ReadonlyMap<string, Value>, cell: 'normal' | 'reduce', k: number): E.Either<string, GenotypeCell> =>
  pipe(
    E.Do,
    E.apS('edges', edgesOf(cell, kwargs.get(cell))),
    E.apS('concat', intsOf(`${cell}_concat`, kwargs.get(`${cell}_concat`))),
    E.chain(({ edges, concat }) =>
      edges.length % k === 0 ? E.right({ nodes: groupEdges(edges, k), concat }) : E.left(`${cell} has ${edges.length} edges, not a multiple of ${k} per node`),
    ),
  );

/**
 * Parses the DARTS Python genotype string (the first `Genotype(...)` in the text, so `DARTS_V2 = Genotype(...)`
 * works too); concat may be a list or `range(2, 6)`. The flat edge lists are grouped `edges_per_node=` per node
 * when the string says so (as `printPythonGenotype` writes it for k != 2), else `edgesPerNode` (DARTS: 2).
 * @example parsePythonGenotype("Genotype(normal=[('skip_connect', 0), ('skip_connect', 1)], normal_concat=range(2, 3), reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=[2])")
 *   // right({ normal: { nodes: [[{ op: 'skip_connect', input: 0 }, { op: 'skip_connect', input: 1 }]], concat: [2] }, ... })
 */
export const parsePythonGenotype = (text: string, edgesPerNode: number = 2): E.Either<string, Genotype> => {
  const start = /\bGenotype\s*\(/.exec(text);
  if (!start) return E.left("no 'Genotype(' found");
  return pipe(
    E.tryCatch(
      () => parseValue(text, start.index).value,
      (e) => (e instanceof ParseFailure ? e.message : String(e)),
    ),
    E.chain((v) => (v.kind === 'call' ? E.right(v.kwargs) : E.left('expected Genotype(...)'))),
    E.chain((kwargs) => {
      const k = kwargs.get('edges_per_node');
      if (k !== undefined && (k.kind !== 'int' || k.value < 1)) return E.left('edges_per_node must be a positive integer');
      const perNode = k?.kind === 'int' ? k.value : edgesPerNode;
      return pipe(E.Do, E.apS('normal', cellOf(kwargs, 'normal', perNode)), E.apS('reduce', cellOf(kwargs, 'reduce', perNode)));
    }),
  );
};

const edgesToPython = (cell: GenotypeCell): string =>
  `[${flattenCell(cell).map((e) => `('${e.op}', ${e.input}${e.multiplier === undefined ? '' : `, '${e.multiplier}'`})`).join(', ')}]`;

/**
 * Prints a genotype as DARTS's Python repr, with concat as lists, and `edges_per_node=k` after them when k is not
 * DARTS's 2; `parsePythonGenotype` reads it back. The string has op names only: a genotype's `ops` are not written
 * (its JSON form keeps them).
 * @example printPythonGenotype(DARTS_V2).startsWith("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)") === true
 */
export const printPythonGenotype = (g: Genotype): string => {
  const k = edgesPerNodeOf(g);
  return (
    `Genotype(normal=${edgesToPython(g.normal)}, normal_concat=[${g.normal.concat.join(', ')}], ` +
    `reduce=${edgesToPython(g.reduce)}, reduce_concat=[${g.reduce.concat.join(', ')}]${k === 2 ? '' : `, edges_per_node=${k}`})`
  );
};

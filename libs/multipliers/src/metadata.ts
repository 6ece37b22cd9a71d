import * as t from 'io-ts';

/** Metrics as computed from the table by the data set's author (an independent oracle for ours). */
export const ComputedMetricsEntry = t.readonly(
  t.type({
    ep_pct: t.number,
    mae_abs: t.number,
    mae_pct: t.number,
    mae_pct_of_65025: t.number,
    wce_abs: t.number,
    wce_pct: t.number,
    wce_pct_of_65025: t.number,
    mre_pct: t.number,
    mre_pct_incl_zero_products_denominator_max1: t.number,
    wcre_pct: t.number,
    mse: t.number,
    commutative: t.boolean,
    max_output: t.number,
  }),
);

/** What EvoApproxLib publishes for a circuit: power (mW, PDK45), area (um^2), delay (ns) and its rounded metrics. */
export const LibraryPublished = t.readonly(
  t.intersection([
    t.type({ power_mW: t.number, area_um2: t.number, delay_ns: t.number }),
    t.partial({
      ep_pct: t.number,
      mae_pct: t.number,
      mae_abs: t.number,
      wce_pct: t.number,
      wce_abs: t.number,
      mre_pct: t.number,
      wcre_pct: t.number,
      mse: t.number,
      technology: t.string,
      pareto_subsets: t.readonlyArray(t.string),
    }),
  ]),
);
export type LibraryPublished = t.TypeOf<typeof LibraryPublished>;

/** Table I of the paper, where the multiplier appears there. */
export const PaperTableIEntry = t.readonly(t.type({ mre: t.number, ep: t.number, mae: t.number, wce: t.number, energy_mW: t.number }));

/** One multiplier's entry of `multipliers.json`. */
export const MultiplierEntry = t.readonly(
  t.intersection([
    t.type({ name: t.string, file: t.string, bytes: t.number, sha256: t.string, computed: ComputedMetricsEntry }),
    t.partial({
      library_published: LibraryPublished,
      source: t.unknown,
      tf_approximate_bin: t.unknown,
      paper_table_I: PaperTableIEntry,
      note: t.string,
      identical_table_to: t.union([t.string, t.null]),
    }),
  ]),
);
export type MultiplierEntry = t.TypeOf<typeof MultiplierEntry>;

/** The `multipliers.json` metadata file: definitions plus one entry per table. */
export const MultiplierMetadata = t.readonly(
  t.intersection([
    t.type({ multipliers: t.readonlyArray(MultiplierEntry) }),
    t.partial({ description: t.string, metric_definitions: t.record(t.string, t.string), citation: t.string }),
  ]),
);
export type MultiplierMetadata = t.TypeOf<typeof MultiplierMetadata>;

/**
 * The entry of a multiplier by name, if the metadata lists it.
 * @example entryByName({ multipliers: [] }, 'mul8u_NGR') === undefined
 */
export const entryByName = (metadata: MultiplierMetadata, name: string): MultiplierEntry | undefined =>
  metadata.multipliers.find((m) => m.name === name);

import * as t from 'io-ts';
import { CONFIG_FILES } from '../run-config/config-files';
import { DataIdentity } from '@approx-darts/cifar10';
import { BiLevelPlan } from '@approx-darts/schedule';
import { SearchSpace } from '@approx-darts/search-space';
import { ConfigHistory } from '@approx-darts/run-store';
import { RecordedPadding } from '../run-config/recorded-padding';

/** What a search run is, saved as `run-config.json`: a different one in the same directory is refused. */
export const SearchRunConfig = t.readonly(
  t.intersection([
    t.type({
      kind: t.literal('approx-darts-search'),
      multiplier: t.string,
      space: SearchSpace,
      plan: BiLevelPlan,
      seed: t.number,
      /** Training images used (stratified subset), null = all. */
      limit: t.union([t.number, t.null]),
      engine: t.string,
    }),
    /** An energy-aware search (--multipliers, --energy-weight); absent in single-multiplier runs. */
    t.partial({
      energy: t.readonly(t.type({ multipliers: t.readonlyArray(t.string), weight: t.number })),
      /** Where stride-2 windows pad (`--padding`); 'same' when absent (runs from before it was recorded). */
      padding: RecordedPadding,
    }),
  ]),
);
export type SearchRunConfig = t.TypeOf<typeof SearchRunConfig>;
/** The run config as stored: plus the data's identity and the changes resumes made (absent in older runs). */
export const StoredSearchRunConfig = t.intersection([SearchRunConfig, t.partial({ data: DataIdentity, history: ConfigHistory })]);
export type StoredSearchRunConfig = t.TypeOf<typeof StoredSearchRunConfig>;

/** The file of a search run directory that holds its StoredSearchRunConfig. */
export const RUN_CONFIG_FILE = CONFIG_FILES.search;

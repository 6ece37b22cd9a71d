// Every property test in the workspace runs from one fixed seed unless it names its own, so a red run replays: a
// failure prints its seed and path, and FC_SEED=<seed> reruns the whole suite from it.
import { fc } from '@fast-check/vitest';

const seed = Number(process.env['FC_SEED'] ?? 20261202);
if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${process.env['FC_SEED']}`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });

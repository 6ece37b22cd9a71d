import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { EngineName, EngineUnavailableError, selectEngine, type EngineInfo } from '@approx-darts/engines';
import { CliError } from '../cli-error';

/** `--engine`, activated; an unavailable engine is a CliError with the probe's reason (exit 2). */
export const activateEngine = async (name: string): Promise<EngineInfo> => {
  const engine = pipe(
    EngineName.decode(name),
    E.getOrElseW(() => {
      throw new CliError(`--engine: '${name}' is not one of auto, cpu, webgpu, tensorflow`);
    }),
  );
  try {
    return await selectEngine(engine);
  } catch (e) {
    if (e instanceof EngineUnavailableError) throw new CliError(e.message, 2);
    throw e;
  }
};


/**
 * Checkpoints written before optimizer states were keyed by logical names stored the search optimizers' slots under
 * the tfjs variable name, its per-process store prefix replaced by this token (`momentum/$net/cells.0.pre0.conv`).
 * Training checkpoints already stored logical names.
 */
const LEGACY_STORE_TOKEN = '$net/';

/**
 * The logical key of a saved optimizer tensor, from a checkpoint of any version: the one place old keys are read.
 * @example logicalOptimizerKey('momentum/$net/stem.conv') // 'momentum/stem.conv'
 */
export const logicalOptimizerKey = (key: string): string => key.split(LEGACY_STORE_TOKEN).join('');

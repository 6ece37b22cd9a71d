export * from './eval-network';
export { dropPath, dropPathAt } from './drop-path';
export type { DropPathOptions } from './eval-cell';
export { RANGE_MOMENTUM } from '../search-network/input-range';

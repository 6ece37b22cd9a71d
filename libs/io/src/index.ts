export * from './lut-search-path';
export * from './multiplier-file-error';
export * from './multiplier-table-file';
export * from './multiplier-metadata-file';
export * from './multiplier-registry';
export * from './c-model-import';

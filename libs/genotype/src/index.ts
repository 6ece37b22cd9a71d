export * from './genotype';

import { pipe } from 'fp-ts/function';
import { DARTS_SPACE } from '@approx-darts/search-space';
import { DARTS_V2 } from '@approx-darts/genotype';
import * as multipliers from '@approx-darts/multipliers';
import * as networkPlan from '@approx-darts/network-plan';
import * as energy from '@approx-darts/energy';
import * as quantization from '@approx-darts/quantization';
import * as approxConv from '@approx-darts/approx-conv';
import { describeDocExamples } from './doc-examples';

describeDocExamples(
  'doc examples of the arithmetic libraries',
  ['multipliers', 'network-plan', 'energy', 'quantization', 'approx-conv'],
  { ...multipliers, ...networkPlan, ...energy, ...quantization, ...approxConv, DARTS_SPACE, DARTS_V2, pipe },
  { minExamples: 25, minChecked: 5 },
);

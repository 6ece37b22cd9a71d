import * as searchSpace from '@approx-darts/search-space';
import * as genotype from '@approx-darts/genotype';
import * as schedule from '@approx-darts/schedule';
import { describeDocExamples } from './doc-examples';

describeDocExamples('doc examples of the model libraries', ['search-space', 'genotype', 'schedule'], { ...searchSpace, ...genotype, ...schedule }, { minExamples: 60, minChecked: 20 });

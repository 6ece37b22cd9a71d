import { DARTS_V2 } from '@approx-darts/genotype';
import * as interop from '@approx-darts/interop';
import { describeDocExamples } from './doc-examples';

describeDocExamples('doc examples of the interop library', ['interop'], { ...interop, DARTS_V2 }, { minExamples: 1, minChecked: 0 });

import type { FastKernel } from './fast-kernel';
import { addKernel, multiplyKernel, realDivKernel, subKernel } from './float32-binary';
import { sliceKernel } from './slice';
import { padV2Kernel } from './pad-v2';
import { splitVKernel } from './split-v';
import { meanKernel, sumKernel } from './sum-mean';
import { maxPoolGradKernel } from './max-pool-grad';
import { avgPoolGradKernel } from './avg-pool-grad';
import { spaceToBatchNDKernel } from './space-to-batch-nd';
import { batchToSpaceNDKernel } from './batch-to-space-nd';

export const elementwiseKernels: readonly FastKernel[] = [
  multiplyKernel, addKernel, subKernel, realDivKernel,
  sliceKernel, padV2Kernel, splitVKernel,
  sumKernel, meanKernel,
  maxPoolGradKernel, avgPoolGradKernel,
  spaceToBatchNDKernel, batchToSpaceNDKernel,
];

export { registerFastCpuKernels } from './register';

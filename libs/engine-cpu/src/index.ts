export { registerFastCpuKernels } from './register';
export { registerNativeCpuKernels, type NativeRegistration } from './native/register-native';

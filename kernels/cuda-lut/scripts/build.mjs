// Placeholder build step, replaced by the CUDA addon build (issue 9). Never fails the install.
console.log('[cuda-lut] addon build not implemented yet');

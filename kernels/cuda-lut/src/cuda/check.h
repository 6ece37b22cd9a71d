// Every CUDA runtime call goes through check(): a failure becomes a C++ exception carrying the CUDA
// error text, which the addon turns into a JS exception and the benchmark prints.
#pragma once
#include <cuda_runtime.h>
#include <stdexcept>
#include <string>

namespace cudalut {

struct CudaError : std::runtime_error {
  explicit CudaError(const std::string& m) : std::runtime_error(m) {}
};

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw CudaError(std::string(what) + ": " + cudaGetErrorString(e) + " (" + cudaGetErrorName(e) + ")");
}

// A kernel launch reports configuration errors through cudaGetLastError.
inline void checkLaunch(const char* kernel) { check(cudaGetLastError(), kernel); }

}  // namespace cudalut

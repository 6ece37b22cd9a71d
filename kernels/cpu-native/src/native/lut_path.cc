#include "lut_path.h"

#include <cstdlib>
#include <stdexcept>

namespace cpunative {
namespace {

std::string initialRequest() {
  const char* env = std::getenv("APPROX_DARTS_LUT_PATH");
  return env == nullptr || *env == '\0' ? "auto" : env;
}

std::string& request() {
  static std::string r = initialRequest();
  return r;
}

}  // namespace

bool cpuHasVbmi() {
  static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi");
  return has;
}

void requestLutPath(const std::string& r) {
  if (r != "auto" && r != "gather" && r != "shuffle") throw std::invalid_argument("LUT path must be auto, gather or shuffle, not '" + r + "'");
  request() = r;
}

LutPath lutPath() {
  const std::string& r = request();
  if (r == "gather") return LutPath::Gather;
  // an unknown environment value falls back to auto (the reason says so); the setter rejects it
  return cpuHasVbmi() ? LutPath::Shuffle : LutPath::Gather;
}

std::string lutPathReason() {
  const std::string& r = request();
  const bool vbmi = cpuHasVbmi();
  if (r == "gather") return "gathers: forced by APPROX_DARTS_LUT_PATH=gather";
  if (r == "shuffle") return vbmi ? "byte shuffles (AVX-512 VBMI): forced by APPROX_DARTS_LUT_PATH=shuffle" : "gathers: APPROX_DARTS_LUT_PATH=shuffle asks for byte shuffles but the CPU has no AVX-512 VBMI";
  const std::string note = r == "auto" ? "" : " (APPROX_DARTS_LUT_PATH='" + r + "' is not auto|gather|shuffle; taken as auto)";
  return (vbmi ? "byte shuffles: the CPU has AVX-512 VBMI" : "gathers: the CPU has no AVX-512 VBMI for byte shuffles") + note;
}

}  // namespace cpunative

// N-API surface (node-addon-api). Every kernel writes into typed arrays the caller allocated (the cpu backend's
// own tensor storage), so nothing is copied across the boundary. Failures become JS errors, never crashes.
#include <napi.h>

#include <dnnl.hpp>
#include <functional>
#include <stdexcept>
#include <string>

#include "dnnl_conv.h"
#include "lut_accumulate.h"
#include "lut_path.h"
#include "step_kernels.h"
#include "pooling.h"
#include "approx_host.h"

#include <vector>

namespace {

using namespace cpunative;

[[noreturn]] void fail(const std::string& m) { throw std::invalid_argument(m); }

Napi::Value guarded(const Napi::CallbackInfo& info, const std::function<Napi::Value()>& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::invalid_argument& e) {
    throw Napi::TypeError::New(info.Env(), e.what());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

template <typename T> constexpr napi_typedarray_type typeOf();
template <> constexpr napi_typedarray_type typeOf<float>() { return napi_float32_array; }
template <> constexpr napi_typedarray_type typeOf<int32_t>() { return napi_int32_array; }
template <> constexpr napi_typedarray_type typeOf<uint16_t>() { return napi_uint16_array; }
template <> constexpr napi_typedarray_type typeOf<uint8_t>() { return napi_uint8_array; }

template <typename T>
T* arrayArg(const Napi::CallbackInfo& info, size_t i, size_t minLength, const char* name) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != typeOf<T>()) fail(std::string(name) + " has the wrong type of typed array");
  auto a = info[i].As<Napi::TypedArrayOf<T>>();
  if (a.ElementLength() < minLength) fail(std::string(name) + " is shorter than its shape says");
  return a.Data();
}

const int32_t* geometryArg(const Napi::CallbackInfo& info, size_t i, size_t length) {
  return arrayArg<int32_t>(info, i, length, "geometry");
}

size_t product(std::initializer_list<int> dims) {
  size_t p = 1;
  for (int d : dims) {
    if (d <= 0) fail("geometry has a non-positive dimension");
    p *= static_cast<size_t>(d);
  }
  return p;
}

ConvShape convShapeOf(const int32_t* g) {
  ConvShape s{g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15], g[16], g[17] != 0};
  if (s.depthwise && s.outChannels % s.inChannels != 0) fail("depthwise: output channels must be a multiple of input channels");
  return s;
}

ConvPass passArg(const Napi::CallbackInfo& info, size_t i) {
  const int p = info[i].ToNumber().Int32Value();
  if (p < 0 || p > 2) fail("pass must be 0 (forward), 1 (backward data) or 2 (backward weights)");
  return static_cast<ConvPass>(p);
}

// conv(pass, geometry: Int32Array(18), a: Float32Array, b: Float32Array, out: Float32Array)
Napi::Value Conv(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const ConvPass pass = passArg(info, 0);
    const ConvShape s = convShapeOf(geometryArg(info, 1, 18));
    const size_t x = product({s.batch, s.inHeight, s.inWidth, s.inChannels});
    const size_t y = product({s.batch, s.outHeight, s.outWidth, s.outChannels});
    const size_t w = product({s.filterHeight, s.filterWidth, s.depthwise ? 1 : s.inChannels, s.outChannels});
    const size_t la = pass == ConvPass::BackwardData ? y : x;
    const size_t lb = pass == ConvPass::BackwardWeights ? y : w;
    const size_t lo = pass == ConvPass::Forward ? y : pass == ConvPass::BackwardData ? x : w;
    convolve(pass, s, arrayArg<float>(info, 2, la, "a"), arrayArg<float>(info, 3, lb, "b"), arrayArg<float>(info, 4, lo, "out"));
    return info.Env().Undefined();
  });
}

Napi::Value ConvImpl(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    return Napi::String::New(info.Env(), convImplementation(passArg(info, 0), convShapeOf(geometryArg(info, 1, 18))));
  });
}

// The arguments lutAccumulate and lutConvolve share: geometry: Int32Array(16), x: Uint8Array, w: Uint8Array, padCode,
// table: Uint16Array, checked.
struct LutArgs {
  LutShape g;
  size_t positions;
  const uint8_t* x;
  const uint8_t* w;
  int padCode;
  const uint16_t* table;
};

LutArgs lutArgs(const Napi::CallbackInfo& info) {
  const int32_t* v = geometryArg(info, 0, 16);
  const LutShape g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15] != 0};
  if (g.depthwise && g.outChannels % g.inChannels != 0) fail("depthwise: output channels must be a multiple of input channels");
  const int padCode = info[3].ToNumber().Int32Value();
  if (padCode < 0 || padCode > 255) fail("padCode must be a code 0..255");
  return {g,
          product({g.batch, g.outHeight, g.outWidth}),
          arrayArg<uint8_t>(info, 1, product({g.batch, g.inHeight, g.inWidth, g.inChannels}), "x"),
          arrayArg<uint8_t>(info, 2, product({g.filterHeight, g.filterWidth, g.depthwise ? 1 : g.inChannels, g.outChannels}), "w"),
          padCode,
          arrayArg<uint16_t>(info, 4, 65536, "table")};
}

// lutAccumulate(geometry, x, w, padCode, table, acc: Int32Array, sums: Int32Array)
Napi::Value LutAccumulate(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const LutArgs a = lutArgs(info);
    lutAccumulate(a.g, a.x, a.w, a.padCode, a.table, arrayArg<int32_t>(info, 5, a.positions * a.g.outChannels, "acc"),
                  arrayArg<int32_t>(info, 6, a.positions * (a.g.depthwise ? a.g.inChannels : 1), "sums"));
    return info.Env().Undefined();
  });
}

// lutConvolve(geometry, x, w, padCode, table, accScale, sumXScale, constant: Float32Array (outC each), out: Float32Array)
Napi::Value LutConvolve(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const LutArgs a = lutArgs(info);
    const int co = a.g.outChannels;
    lutConvolve(a.g, a.x, a.w, a.padCode, a.table, arrayArg<float>(info, 5, co, "accScale"), arrayArg<float>(info, 6, co, "sumXScale"),
                arrayArg<float>(info, 7, co, "constant"), arrayArg<float>(info, 8, a.positions * co, "out"));
    return info.Env().Undefined();
  });
}

template <typename T>
size_t lengthOf(const Napi::CallbackInfo& info, size_t i, const char* name) {
  arrayArg<T>(info, i, 0, name);
  return info[i].As<Napi::TypedArrayOf<T>>().ElementLength();
}

PoolShape poolShapeOf(const int32_t* g) {
  const PoolShape s{g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11]};
  product({s.batch, s.inHeight, s.inWidth, s.channels, s.outHeight, s.outWidth, s.filterHeight, s.filterWidth, s.strideHeight, s.strideWidth});
  return s;
}

// pool(kind: 0 max | 1 avg, geometry: Int32Array(12), x, y)
Napi::Value Pool(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const int kind = info[0].ToNumber().Int32Value();
    const PoolShape s = poolShapeOf(geometryArg(info, 1, 12));
    const float* x = arrayArg<float>(info, 2, product({s.batch, s.inHeight, s.inWidth, s.channels}), "x");
    float* y = arrayArg<float>(info, 3, product({s.batch, s.outHeight, s.outWidth, s.channels}), "y");
    if (kind == 0) maxPool(s, x, y);
    else avgPool(s, x, y);
    return info.Env().Undefined();
  });
}

// maxPoolGrad(geometry, x, dy, dx)
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const PoolShape s = poolShapeOf(geometryArg(info, 0, 12));
    const size_t in = product({s.batch, s.inHeight, s.inWidth, s.channels}), out = product({s.batch, s.outHeight, s.outWidth, s.channels});
    maxPoolGrad(s, arrayArg<float>(info, 1, in, "x"), arrayArg<float>(info, 2, out, "dy"), arrayArg<float>(info, 3, in, "dx"));
    return info.Env().Undefined();
  });
}

// avgPoolGrad(geometry, dy, dx)
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const PoolShape s = poolShapeOf(geometryArg(info, 0, 12));
    const size_t in = product({s.batch, s.inHeight, s.inWidth, s.channels}), out = product({s.batch, s.outHeight, s.outWidth, s.channels});
    avgPoolGrad(s, arrayArg<float>(info, 1, out, "dy"), arrayArg<float>(info, 2, in, "dx"));
    return info.Env().Undefined();
  });
}

// relu(x, y)
Napi::Value Relu(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 0, "x");
    relu(n, arrayArg<float>(info, 0, n, "x"), arrayArg<float>(info, 1, n, "y"));
    return info.Env().Undefined();
  });
}

// reluBackward(dy, x, dx)
Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 1, "x");
    reluBackward(n, arrayArg<float>(info, 0, n, "dy"), arrayArg<float>(info, 1, n, "x"), arrayArg<float>(info, 2, n, "dx"));
    return info.Env().Undefined();
  });
}

// add(a, b, y), same lengths
Napi::Value Add(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 0, "a");
    add(n, arrayArg<float>(info, 0, n, "a"), arrayArg<float>(info, 1, n, "b"), arrayArg<float>(info, 2, n, "y"));
    return info.Env().Undefined();
  });
}

std::vector<const float*> arraysArg(const Napi::CallbackInfo& info, size_t i, size_t n) {
  if (!info[i].IsArray()) fail("xs must be an array of Float32Arrays");
  const Napi::Array a = info[i].As<Napi::Array>();
  std::vector<const float*> out;
  for (uint32_t j = 0; j < a.Length(); j++) {
    const Napi::Value v = a.Get(j);
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) fail("xs must be an array of Float32Arrays");
    const auto t = v.As<Napi::Float32Array>();
    if (t.ElementLength() < n) fail("xs holds an array shorter than the output");
    out.push_back(t.Data());
  }
  return out;
}

// weightedSum(xs: Float32Array[], scales: Float32Array, y)
Napi::Value WeightedSum(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 2, "y");
    const auto xs = arraysArg(info, 0, n);
    weightedSum(n, xs.size(), xs.data(), arrayArg<float>(info, 1, xs.size(), "scales"), arrayArg<float>(info, 2, n, "y"));
    return info.Env().Undefined();
  });
}

// weightedSumDots(dy, xs: Float32Array[], dots: Float64Array)
Napi::Value WeightedSumDots(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 0, "dy");
    const auto xs = arraysArg(info, 1, n);
    if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) fail("dots must be a Float64Array");
    auto dots = info[2].As<Napi::Float64Array>();
    if (dots.ElementLength() < xs.size()) fail("dots is shorter than xs");
    weightedSumDots(n, xs.size(), arrayArg<float>(info, 0, n, "dy"), xs.data(), dots.Data());
    return info.Env().Undefined();
  });
}

// batchNormTrain(x, channels, runningMean, runningVar, gamma | null, beta | null, epsilon, momentum, y, stats)
Napi::Value BatchNormTrain(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 0, "x");
    const int c = info[1].ToNumber().Int32Value();
    if (c <= 0 || n % c != 0) fail("channels must divide x's length");
    const bool affine = !info[4].IsNull();
    batchNormTrain(n, c, arrayArg<float>(info, 0, n, "x"), arrayArg<float>(info, 2, c, "runningMean"), arrayArg<float>(info, 3, c, "runningVar"),
                   affine ? arrayArg<float>(info, 4, c, "gamma") : nullptr, affine ? arrayArg<float>(info, 5, c, "beta") : nullptr,
                   info[6].ToNumber().DoubleValue(), info[7].ToNumber().DoubleValue(), arrayArg<float>(info, 8, n, "y"), arrayArg<float>(info, 9, 5 * c, "stats"));
    return info.Env().Undefined();
  });
}

// batchNormTrainGrad(dy, x, stats, channels, dx, sums)
Napi::Value BatchNormTrainGrad(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 1, "x");
    const int c = info[3].ToNumber().Int32Value();
    if (c <= 0 || n % c != 0) fail("channels must divide x's length");
    batchNormTrainGrad(n, c, arrayArg<float>(info, 0, n, "dy"), arrayArg<float>(info, 1, n, "x"), arrayArg<float>(info, 2, 5 * c, "stats"),
                       arrayArg<float>(info, 4, n, "dx"), arrayArg<float>(info, 5, 2 * c, "sums"));
    return info.Env().Undefined();
  });
}

// decodePadded(dims: Int32Array [batch, height, width, channels, padTop, padLeft, paddedHeight, paddedWidth], codes, table, fill, out)
Napi::Value DecodePadded(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const int32_t* d = geometryArg(info, 0, 8);
    product({d[0], d[1], d[2], d[3], d[6], d[7]});
    if (d[4] < 0 || d[5] < 0 || d[1] + d[4] > d[6] || d[2] + d[5] > d[7]) fail("decodePadded: the image does not fit the padded size");
    decodePadded(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], arrayArg<uint8_t>(info, 1, product({d[0], d[1], d[2], d[3]}), "codes"),
                 arrayArg<float>(info, 2, 256, "table"), info[3].ToNumber().FloatValue(), arrayArg<float>(info, 4, product({d[0], d[6], d[7], d[3]}), "out"));
    return info.Env().Undefined();
  });
}

// quantize(values: Float32Array, thresholds: Float64Array(257), origin, inverse, out: Uint8Array)
Napi::Value Quantize(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 0, "values");
    if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array || info[1].As<Napi::Float64Array>().ElementLength() != 257)
      fail("thresholds must be a Float64Array of 257");
    quantize(n, arrayArg<float>(info, 0, n, "values"), info[1].As<Napi::Float64Array>().Data(), arrayArg<uint8_t>(info, 2, n, "out"));
    return info.Env().Undefined();
  });
}

// lutPath(request?: 'auto' | 'gather' | 'shuffle'): sets the approximate convolution's accumulation path when given
// (lut_path.h), and returns the one in force and why: { path: 'gather' | 'shuffle', reason, vbmi }.
Napi::Value LutPathFn(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    if (info.Length() > 0 && !info[0].IsUndefined()) {
      if (!info[0].IsString()) fail("lutPath: the request must be a string (auto, gather or shuffle)");
      requestLutPath(info[0].As<Napi::String>().Utf8Value());
    }
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("path", lutPath() == LutPath::Shuffle ? "shuffle" : "gather");
    o.Set("reason", lutPathReason());
    o.Set("vbmi", cpuHasVbmi());
    return o;
  });
}

// valueRange(values: Float32Array, out: Float32Array(2)): [min, max] as approx_host.h's valueRange
Napi::Value ValueRange(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const size_t n = lengthOf<float>(info, 0, "values");
    valueRange(n, arrayArg<float>(info, 0, n, "values"), arrayArg<float>(info, 1, 2, "out"));
    return info.Env().Undefined();
  });
}

// setThreads(n): the OpenMP threads of every kernel (oneDNN's included); 0 leaves the default (all cores).
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  return guarded(info, [&] {
    const int n = info[0].ToNumber().Int32Value();
    if (n < 0) fail("threads must be >= 0");
    if (n > 0) setThreads(n);
    return Napi::Number::New(info.Env(), threads());
  });
}

Napi::Value Status(const Napi::CallbackInfo& info) {
  const dnnl_version_t* v = dnnl_version();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("threads", threads());
  o.Set("detail", "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) + ", " + std::to_string(threads()) + " threads (" +
                      (v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other runtime") + ")");
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("status", Napi::Function::New(env, Status));
  exports.Set("conv", Napi::Function::New(env, Conv));
  exports.Set("convImpl", Napi::Function::New(env, ConvImpl));
  exports.Set("lutAccumulate", Napi::Function::New(env, LutAccumulate));
  exports.Set("lutConvolve", Napi::Function::New(env, LutConvolve));
  exports.Set("pool", Napi::Function::New(env, Pool));
  exports.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGrad));
  exports.Set("avgPoolGrad", Napi::Function::New(env, AvgPoolGrad));
  exports.Set("relu", Napi::Function::New(env, Relu));
  exports.Set("reluBackward", Napi::Function::New(env, ReluBackward));
  exports.Set("add", Napi::Function::New(env, Add));
  exports.Set("weightedSum", Napi::Function::New(env, WeightedSum));
  exports.Set("weightedSumDots", Napi::Function::New(env, WeightedSumDots));
  exports.Set("batchNormTrain", Napi::Function::New(env, BatchNormTrain));
  exports.Set("batchNormTrainGrad", Napi::Function::New(env, BatchNormTrainGrad));
  exports.Set("decodePadded", Napi::Function::New(env, DecodePadded));
  exports.Set("quantize", Napi::Function::New(env, Quantize));
  exports.Set("valueRange", Napi::Function::New(env, ValueRange));
  exports.Set("lutPath", Napi::Function::New(env, LutPathFn));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  return exports;
}

}  // namespace

NODE_API_MODULE(cpu_native, Init)

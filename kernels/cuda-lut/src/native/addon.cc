// N-API surface (node-addon-api). Two ways in:
//  - host typed arrays: upload, run, download, free inside one call (accumulate, fused);
//  - device buffers: alloc/upload/download/free handles, and the same ops on handles (accumulateDevice,
//    fusedDevice) so a caller chains layers without copies.
// Every failure (bad arguments, CUDA errors with their text) is thrown as a JS Error, never a crash.
#include <napi.h>

#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "../cuda/check.h"
#include "cuda_lut.h"

namespace {

using cudalut::Geometry;
using cudalut::Kind;
using cudalut::Variant;

// Device memory owned by a JS handle; freed by free() or, failing that, when the handle is collected.
struct DeviceMemory {
  void* ptr = nullptr;
  size_t bytes = 0;
};
using Handle = Napi::External<DeviceMemory>;

[[noreturn]] void fail(const std::string& m) { throw std::invalid_argument(m); }

// Runs a body and turns any C++ exception into a JS exception with the same message.
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

int intField(const Napi::Object& o, const char* name) {
  const Napi::Value v = o.Get(name);
  if (!v.IsNumber()) fail(std::string("geometry.") + name + " is missing or not a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<int>(d))) fail(std::string("geometry.") + name + " is not a 32-bit integer");
  return static_cast<int>(d);
}

Geometry geometryArg(const Napi::Value& v) {
  if (!v.IsObject()) fail("geometry must be an object");
  const Napi::Object o = v.As<Napi::Object>();
  return Geometry{intField(o, "batch"), intField(o, "inHeight"), intField(o, "inWidth"), intField(o, "inChannels"),
                  intField(o, "filterHeight"), intField(o, "filterWidth"), intField(o, "outChannels"),
                  intField(o, "strideHeight"), intField(o, "strideWidth"), intField(o, "dilationHeight"),
                  intField(o, "dilationWidth"), intField(o, "padTop"), intField(o, "padLeft"),
                  intField(o, "outHeight"), intField(o, "outWidth")};
}

Kind kindArg(const Napi::Value& v) {
  const std::string k = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (k == "conv2d") return Kind::Conv2d;
  if (k == "depthwise") return Kind::Depthwise;
  fail("kind must be 'conv2d' or 'depthwise'");
}

// options: { exact?: boolean, layout?: 0 | 1 | 2 }
Variant variantArg(const Napi::Value& v) {
  Variant out;
  if (!v.IsObject()) return out;
  const Napi::Object o = v.As<Napi::Object>();
  if (o.Has("exact")) out.exact = o.Get("exact").ToBoolean().Value();
  if (o.Has("layout")) {
    const int l = o.Get("layout").ToNumber().Int32Value();
    if (l < 0 || l > 2) fail("layout must be 0 (activation-major), 1 (weight-major) or 2 (xor-swizzled)");
    out.layout = static_cast<cudalut::TableLayout>(l);
  }
  return out;
}

template <typename T> constexpr napi_typedarray_type kArrayType = napi_uint8_array;
template <> constexpr napi_typedarray_type kArrayType<uint16_t> = napi_uint16_array;
template <> constexpr napi_typedarray_type kArrayType<int32_t> = napi_int32_array;
template <> constexpr napi_typedarray_type kArrayType<float> = napi_float32_array;

template <typename T>
Napi::TypedArrayOf<T> typedArg(const Napi::Value& v, const char* what, size_t length) {
  if (!v.IsTypedArray()) fail(std::string(what) + " must be a typed array");
  const Napi::TypedArray ta = v.As<Napi::TypedArray>();
  if (ta.TypedArrayType() != kArrayType<T>) fail(std::string(what) + " has the wrong element type");
  const Napi::TypedArrayOf<T> a = v.As<Napi::TypedArrayOf<T>>();
  if (length != 0 && a.ElementLength() != length)
    fail(std::string(what) + " has " + std::to_string(a.ElementLength()) + " elements, expected " + std::to_string(length));
  return a;
}

DeviceMemory& handleArg(const Napi::Value& v, const char* what, size_t minBytes) {
  if (!v.IsExternal()) fail(std::string(what) + " is not a device buffer handle");
  DeviceMemory* m = v.As<Handle>().Data();
  if (m == nullptr || m->ptr == nullptr) fail(std::string(what) + " was freed");
  if (m->bytes < minBytes)
    fail(std::string(what) + " holds " + std::to_string(m->bytes) + " bytes, needs " + std::to_string(minBytes));
  return *m;
}

// RAII device allocation for the host-array entry points.
struct Temp {
  void* p;
  explicit Temp(size_t bytes) : p(cudalut::deviceAlloc(bytes)) {}
  ~Temp() { cudalut::deviceFree(p); }
  Temp(const Temp&) = delete;
  Temp& operator=(const Temp&) = delete;
};

cudalut::FusedQuant quantArg(const Napi::Value& v) {
  cudalut::FusedQuant q;
  if (!v.IsObject()) return q;
  const Napi::Object o = v.As<Napi::Object>();
  if (o.Has("symmetric")) q.symmetric = o.Get("symmetric").ToBoolean().Value();
  if (o.Has("perChannelWeights")) q.perChannelWeights = o.Get("perChannelWeights").ToBoolean().Value();
  const Napi::Value ir = o.Get("inputRange");
  if (!ir.IsUndefined() && !ir.IsNull()) {
    const auto a = typedArg<float>(ir, "inputRange", 2);
    q.hasInputRange = true;
    q.inputRange[0] = a[0];
    q.inputRange[1] = a[1];
  }
  const Napi::Value wr = o.Get("weightRange");
  if (!wr.IsUndefined() && !wr.IsNull()) {
    const auto a = typedArg<float>(wr, "weightRange", 0);
    q.weightRange.assign(a.Data(), a.Data() + a.ElementLength());
  }
  return q;
}

// Every convolution entry point starts with (geometry, kind): checked here once, with the operand sizes they imply.
struct Problem {
  Geometry g;
  Kind kind;
  cudalut::Sizes s;
};

Problem problemArg(const Napi::CallbackInfo& info) {
  const Geometry g = geometryArg(info[0]);
  const Kind kind = kindArg(info[1]);
  cudalut::validateGeometry(g, kind);
  return {g, kind, cudalut::sizesOf(g, kind)};
}

Napi::Value Status(const Napi::CallbackInfo& info) {
  const cudalut::DeviceStatus s = cudalut::deviceStatus();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("devices", s.devices);
  o.Set("detail", s.detail);
  o.Set("targets", "sm_90 SASS + compute_90 PTX");
  return o;
}

// accumulate(geometry, kind, x: Uint8Array, w: Uint8Array, padCode, table: Uint16Array | null, options) -> Int32Array
Napi::Value Accumulate(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const auto [g, kind, s] = problemArg(info);
    const auto x = typedArg<uint8_t>(info[2], "x", s.x);
    const auto w = typedArg<uint8_t>(info[3], "w", s.w);
    const int padCode = info[4].ToNumber().Int32Value();
    const Variant v = variantArg(info[6]);
    const bool hasTable = !v.exact;
    Temp dx(s.x), dw(s.w), dout(s.out * 4), dt(hasTable ? 65536 * 2 : 1);
    if (hasTable) cudalut::upload(dt.p, typedArg<uint16_t>(info[5], "table", 65536).Data(), 65536 * 2);
    cudalut::upload(dx.p, x.Data(), s.x);
    cudalut::upload(dw.p, w.Data(), s.w);
    cudalut::accumulate(g, kind, static_cast<uint8_t*>(dx.p), static_cast<uint8_t*>(dw.p), padCode,
                        hasTable ? static_cast<uint16_t*>(dt.p) : nullptr, static_cast<int32_t*>(dout.p), v);
    Napi::Int32Array out = Napi::Int32Array::New(info.Env(), s.out);
    cudalut::download(out.Data(), dout.p, s.out * 4);
    return out;
  });
}

// fused(geometry, kind, x: Float32Array, w: Float32Array, table: Uint16Array | null, quant, options) -> Float32Array
Napi::Value Fused(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const auto [g, kind, s] = problemArg(info);
    const auto x = typedArg<float>(info[2], "x", s.x);
    const auto w = typedArg<float>(info[3], "w", s.w);
    const cudalut::FusedQuant q = quantArg(info[5]);
    const Variant v = variantArg(info[6]);
    const bool hasTable = !v.exact;
    Temp dx(s.x * 4), dw(s.w * 4), dy(s.out * 4), dt(hasTable ? 65536 * 2 : 1);
    if (hasTable) cudalut::upload(dt.p, typedArg<uint16_t>(info[4], "table", 65536).Data(), 65536 * 2);
    cudalut::upload(dx.p, x.Data(), s.x * 4);
    cudalut::upload(dw.p, w.Data(), s.w * 4);
    cudalut::fused(g, kind, static_cast<float*>(dx.p), static_cast<float*>(dw.p),
                   hasTable ? static_cast<uint16_t*>(dt.p) : nullptr, static_cast<float*>(dy.p), q, v);
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), s.out);
    cudalut::download(out.Data(), dy.p, s.out * 4);
    return out;
  });
}

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const double bytes = info[0].ToNumber().DoubleValue();
    if (!(bytes >= 0) || bytes > 9.0e15) fail("alloc: byte count must be a non-negative integer");
    auto m = std::make_unique<DeviceMemory>();
    m->ptr = cudalut::deviceAlloc(static_cast<size_t>(bytes));
    m->bytes = static_cast<size_t>(bytes);
    return Handle::New(info.Env(), m.release(), [](Napi::Env, DeviceMemory* d) {
      if (d->ptr != nullptr) cudalut::deviceFree(d->ptr);
      delete d;
    });
  });
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[0].IsExternal()) fail("free: not a device buffer handle");
    DeviceMemory* m = info[0].As<Handle>().Data();
    if (m->ptr != nullptr) cudalut::check(cudaFree(m->ptr), "cudaFree");
    m->ptr = nullptr;
    return info.Env().Undefined();
  });
}

// upload(handle, typedArray, byteOffset) / download(handle, typedArray, byteOffset)
Napi::Value Transfer(const Napi::CallbackInfo& info, bool toDevice) {
  return guarded(info, [&]() -> Napi::Value {
    if (!info[1].IsTypedArray()) fail("expected a typed array");
    const Napi::TypedArray a = info[1].As<Napi::TypedArray>();
    const size_t offset = static_cast<size_t>(info[2].ToNumber().DoubleValue());
    const size_t bytes = a.ByteLength();
    DeviceMemory& m = handleArg(info[0], "device buffer", offset + bytes);
    unsigned char* host = static_cast<unsigned char*>(a.ArrayBuffer().Data()) + a.ByteOffset();
    unsigned char* dev = static_cast<unsigned char*>(m.ptr) + offset;
    if (toDevice) cudalut::upload(dev, host, bytes);
    else cudalut::download(host, dev, bytes);
    return info.Env().Undefined();
  });
}
Napi::Value Upload(const Napi::CallbackInfo& info) { return Transfer(info, true); }
Napi::Value Download(const Napi::CallbackInfo& info) { return Transfer(info, false); }

// accumulateDevice(geometry, kind, x, w, padCode, table | null, out, options): handles, no copies
Napi::Value AccumulateDevice(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const auto [g, kind, s] = problemArg(info);
    const Variant v = variantArg(info[7]);
    const DeviceMemory& x = handleArg(info[2], "x", s.x);
    const DeviceMemory& w = handleArg(info[3], "w", s.w);
    const void* t = v.exact ? nullptr : handleArg(info[5], "table", 65536 * 2).ptr;
    const DeviceMemory& out = handleArg(info[6], "out", s.out * 4);
    cudalut::accumulate(g, kind, static_cast<const uint8_t*>(x.ptr), static_cast<const uint8_t*>(w.ptr),
                        info[4].ToNumber().Int32Value(), static_cast<const uint16_t*>(t), static_cast<int32_t*>(out.ptr), v);
    return info.Env().Undefined();
  });
}

// fusedDevice(geometry, kind, x, w, table | null, y, quant, options): handles, no copies
Napi::Value FusedDevice(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    const auto [g, kind, s] = problemArg(info);
    const Variant v = variantArg(info[7]);
    const DeviceMemory& x = handleArg(info[2], "x", s.x * 4);
    const DeviceMemory& w = handleArg(info[3], "w", s.w * 4);
    const void* t = v.exact ? nullptr : handleArg(info[4], "table", 65536 * 2).ptr;
    const DeviceMemory& y = handleArg(info[5], "y", s.out * 4);
    cudalut::fused(g, kind, static_cast<const float*>(x.ptr), static_cast<const float*>(w.ptr),
                   static_cast<const uint16_t*>(t), static_cast<float*>(y.ptr), quantArg(info[6]), v);
    return info.Env().Undefined();
  });
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    cudalut::synchronize();
    return info.Env().Undefined();
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("status", Napi::Function::New(env, Status));
  exports.Set("accumulate", Napi::Function::New(env, Accumulate));
  exports.Set("fused", Napi::Function::New(env, Fused));
  exports.Set("alloc", Napi::Function::New(env, Alloc));
  exports.Set("free", Napi::Function::New(env, Free));
  exports.Set("upload", Napi::Function::New(env, Upload));
  exports.Set("download", Napi::Function::New(env, Download));
  exports.Set("accumulateDevice", Napi::Function::New(env, AccumulateDevice));
  exports.Set("fusedDevice", Napi::Function::New(env, FusedDevice));
  exports.Set("synchronize", Napi::Function::New(env, Synchronize));
  return exports;
}

}  // namespace

NODE_API_MODULE(cuda_lut, Init)

// Standalone GPU benchmark of @approx-darts/cuda-lut for CUDA hosts without Node.js.
// 1. Correctness first: for every table in the multipliers directory, random codes on conv2d and
//    depthwise geometries (stride, dilation, padding, 1x1), GPU sums vs a plain CPU reference,
//    bit-exact, every table layout; the exact twin vs mul8u_1JFF. Then the fused float path (ranges,
//    quantization, lookups, dequantization) vs the host build of quantize.cuh, bit-exact: the quantization
//    specification (libs/quantization/SPEC.md), which kernels/cuda-lut/src/quantize-host.test.ts checks that host
//    build against. Any mismatch: exit 1, no timings.
// 2. Timings with CUDA events (median of many runs) of the fused float path (range reduction,
//    quantization, lookups, dequantization) for DARTS search/evaluation shapes and a large dense case:
//    each table layout, and the exact-multiply twin; MAC/s and ratios. Written as JSON.
// Targets on an H200: dense >= 2.5 T MAC/s on the large case; depthwise within 2x of PyTorch fp32.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../../kernels/cuda-lut/src/cuda/check.h"
#include "../../kernels/cuda-lut/src/cuda/quantize.cuh"
#include "../../kernels/cuda-lut/src/native/cuda_lut.h"

using namespace cudalut;

namespace {

struct Table {
  std::string name;
  std::vector<uint16_t> products;
};

std::vector<Table> loadTables(const std::string& dir) {
  std::vector<Table> tables;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) throw std::runtime_error("cannot open multipliers directory " + dir);
  while (dirent* e = readdir(d)) {
    const std::string f = e->d_name;
    if (f.size() < 5 || f.substr(f.size() - 4) != ".bin") continue;
    std::ifstream in(dir + "/" + f, std::ios::binary);
    Table t{f.substr(0, f.size() - 4), std::vector<uint16_t>(65536)};
    in.read(reinterpret_cast<char*>(t.products.data()), 131072);  // little-endian, like this host
    if (in.gcount() != 131072) throw std::runtime_error(dir + "/" + f + ": expected 131072 bytes");
    tables.push_back(std::move(t));
  }
  closedir(d);
  std::sort(tables.begin(), tables.end(), [](const Table& a, const Table& b) { return a.name < b.name; });
  return tables;
}

Geometry geometry(int batch, int size, int inC, int outC, int k, int stride, int dilation, int pad) {
  const int span = (k - 1) * dilation + 1, out = (size + 2 * pad - span) / stride + 1;
  return Geometry{batch, size, size, inC, k, k, outC, stride, stride, dilation, dilation, pad, pad, out, out};
}

std::vector<int32_t> reference(const Geometry& g, Kind kind, const std::vector<uint8_t>& x, const std::vector<uint8_t>& w,
                               int pad, const std::vector<uint16_t>& t) {
  const Sizes s = sizesOf(g, kind);
  std::vector<int32_t> out(s.out);
  const int mult = g.outChannels / g.inChannels;
  for (int n = 0; n < g.batch; ++n)
    for (int oh = 0; oh < g.outHeight; ++oh)
      for (int ow = 0; ow < g.outWidth; ++ow)
        for (int oc = 0; oc < g.outChannels; ++oc) {
          int32_t sum = 0;
          for (int kh = 0; kh < g.filterHeight; ++kh)
            for (int kw = 0; kw < g.filterWidth; ++kw) {
              const int ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
              const int iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
              const bool inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
              const int c0 = kind == Kind::Conv2d ? 0 : oc / mult, c1 = kind == Kind::Conv2d ? g.inChannels : c0 + 1;
              for (int c = c0; c < c1; ++c) {
                const int qx = inside ? x[((static_cast<size_t>(n) * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + c] : pad;
                const size_t wi = kind == Kind::Conv2d ? (static_cast<size_t>(kh * g.filterWidth + kw) * g.inChannels + c) * g.outChannels + oc
                                                       : static_cast<size_t>(kh * g.filterWidth + kw) * g.outChannels + oc;
                sum += t[qx * 256 + w[wi]];
              }
            }
          out[((static_cast<size_t>(n) * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + oc] = sum;
        }
  return out;
}

template <typename T>
struct DevVec {
  T* p = nullptr;
  size_t n = 0;
  explicit DevVec(size_t count) : p(static_cast<T*>(deviceAlloc(count * sizeof(T)))), n(count) {}
  explicit DevVec(const std::vector<T>& h) : DevVec(h.size()) { upload(p, h.data(), h.size() * sizeof(T)); }
  ~DevVec() { deviceFree(p); }
  DevVec(const DevVec&) = delete;
  DevVec& operator=(const DevVec&) = delete;
  std::vector<T> get() const {
    std::vector<T> h(n);
    download(h.data(), p, n * sizeof(T));
    return h;
  }
};

const char* layoutName(TableLayout l) {
  return l == TableLayout::ActivationMajor ? "activation-major" : l == TableLayout::WeightMajor ? "weight-major" : "xor-swizzled";
}
const TableLayout kLayouts[] = {TableLayout::ActivationMajor, TableLayout::WeightMajor, TableLayout::XorSwizzled};

int correctness(const std::vector<Table>& tables) {
  std::mt19937 rng(2024);
  struct Case { const char* name; Kind kind; Geometry g; };
  const Case cases[] = {
      {"conv2d 3x3 pad1 5->40", Kind::Conv2d, geometry(2, 9, 5, 40, 3, 1, 1, 1)},
      {"conv2d 1x1 s2 33->16", Kind::Conv2d, geometry(2, 9, 33, 16, 1, 2, 1, 0)},
      {"conv2d 5x5 s2 d2 pad4 3->70", Kind::Conv2d, geometry(2, 11, 3, 70, 5, 2, 2, 4)},
      {"depthwise 3x3 d2 pad2 x36", Kind::Depthwise, geometry(2, 9, 36, 36, 3, 1, 2, 2)},
      {"depthwise 5x5 s2 pad2 mult2", Kind::Depthwise, geometry(2, 10, 5, 10, 5, 2, 1, 2)},
  };
  int failures = 0, checks = 0;
  for (const Case& c : cases) {
    const Sizes s = sizesOf(c.g, c.kind);
    std::vector<uint8_t> x(s.x), w(s.w);
    for (auto& v : x) v = static_cast<uint8_t>(rng());
    for (auto& v : w) v = static_cast<uint8_t>(rng());
    const int pad = static_cast<int>(rng() & 255);
    DevVec<uint8_t> dx(x), dw(w);
    DevVec<int32_t> out(s.out);
    for (const Table& t : tables) {
      const std::vector<int32_t> want = reference(c.g, c.kind, x, w, pad, t.products);
      DevVec<uint16_t> dt(t.products);
      for (TableLayout l : kLayouts) {
        accumulate(c.g, c.kind, dx.p, dw.p, pad, dt.p, out.p, Variant{l, false});
        ++checks;
        if (out.get() != want) {
          ++failures;
          std::printf("MISMATCH %s %s %s\n", c.name, t.name.c_str(), layoutName(l));
        }
      }
      if (t.name == "mul8u_1JFF") {
        accumulate(c.g, c.kind, dx.p, dw.p, pad, nullptr, out.p, Variant{TableLayout::ActivationMajor, true});
        ++checks;
        if (out.get() != want) {
          ++failures;
          std::printf("MISMATCH %s exact twin vs mul8u_1JFF\n", c.name);
        }
      }
    }
  }
  std::printf("correctness: %d of %d bit-exact comparisons passed (%zu tables)\n", checks - failures, checks, tables.size());
  return failures;
}

// The fused float path on the host, step by step as libs/quantization/SPEC.md defines it (quantize.cuh's host build).
std::vector<float> fusedReference(const Geometry& g, Kind kind, const std::vector<float>& x, const std::vector<float>& w,
                                  const std::vector<uint16_t>& t, const FusedQuant& q) {
  const Sizes s = sizesOf(g, kind);
  const int outC = g.outChannels, cols = q.perChannelWeights ? outC : 1;
  float lo = INFINITY, hi = -INFINITY;  // NaN never wins a comparison: skipped
  for (float v : x) lo = v < lo ? v : lo, hi = v > hi ? v : hi;
  if (q.hasInputRange) lo = q.inputRange[0], hi = q.inputRange[1];
  const QuantParams px = paramsFor(lo, hi, q.symmetric);
  std::vector<QuantParams> pw(cols);
  for (int c = 0; c < cols; ++c) {
    float wl = INFINITY, wh = -INFINITY;
    for (size_t i = c; i < s.w; i += cols) wl = w[i] < wl ? w[i] : wl, wh = w[i] > wh ? w[i] : wh;
    pw[c] = paramsFor(wl, wh, q.symmetric);
  }
  std::vector<uint8_t> xq(s.x), wq(s.w);
  for (size_t i = 0; i < s.x; ++i) xq[i] = static_cast<uint8_t>(quantizeCode(x[i], px));
  for (size_t i = 0; i < s.w; ++i) wq[i] = static_cast<uint8_t>(quantizeCode(w[i], pw[cols == 1 ? 0 : i % outC]));
  const int pad = quantizeCode(0.0f, px);
  std::vector<uint16_t> activationOnly(65536);
  for (int i = 0; i < 65536; ++i) activationOnly[i] = static_cast<uint16_t>(i >> 8);
  const std::vector<int32_t> acc = reference(g, kind, xq, wq, pad, t), sumX = reference(g, kind, xq, wq, pad, activationOnly);
  std::vector<int> sumW(outC, 0);
  for (size_t i = 0; i < s.w; ++i) sumW[i % outC] += wq[i];
  std::vector<float> y(s.out);
  for (size_t o = 0; o < s.out; ++o) {
    const int c = static_cast<int>(o % outC);
    y[o] = dequantizeWith(dequantizeTerms(px, pw[cols == 1 ? 0 : c], sumW[c], static_cast<int>(s.K)), acc[o], sumX[o]);
  }
  return y;
}

int fusedCorrectness(const std::vector<Table>& tables) {
  std::mt19937 rng(2025);
  // a minimum small next to the maximum (as after a ReLU): the code thresholds round, where engines used to differ
  std::uniform_real_distribution<float> act(-0.02f, 3.0f), wgt(-0.5f, 0.5f);
  struct Case { const char* name; Kind kind; Geometry g; };
  const Case cases[] = {
      {"conv2d 3x3 pad1 5->40", Kind::Conv2d, geometry(2, 9, 5, 40, 3, 1, 1, 1)},
      {"conv2d 1x1 s2 33->70", Kind::Conv2d, geometry(2, 9, 33, 70, 1, 2, 1, 0)},
      {"depthwise 3x3 d2 pad2 x36", Kind::Depthwise, geometry(2, 9, 36, 36, 3, 1, 2, 2)},
      {"depthwise 5x5 s2 pad2 mult2", Kind::Depthwise, geometry(2, 10, 5, 10, 5, 2, 1, 2)},
  };
  FusedQuant quants[4];
  quants[1].symmetric = true;
  quants[2].perChannelWeights = true;
  quants[3].symmetric = quants[3].perChannelWeights = quants[3].hasInputRange = true;
  quants[3].inputRange[0] = -0.0123f;
  quants[3].inputRange[1] = 2.5f;
  int failures = 0, checks = 0;
  for (const Case& c : cases) {
    const Sizes s = sizesOf(c.g, c.kind);
    std::vector<float> x(s.x), w(s.w);
    for (auto& v : x) v = act(rng);
    for (auto& v : w) v = wgt(rng);
    DevVec<float> dx(x), dw(w), out(s.out);
    for (const Table& t : tables) {
      DevVec<uint16_t> dt(t.products);
      for (const FusedQuant& q : quants) {
        const std::vector<float> want = fusedReference(c.g, c.kind, x, w, t.products, q);
        for (TableLayout l : kLayouts) {
          fused(c.g, c.kind, dx.p, dw.p, dt.p, out.p, q, Variant{l, false});
          const std::vector<float> got = out.get();
          ++checks;
          if (std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) != 0) {
            ++failures;
            std::printf("MISMATCH fused %s %s %s%s%s\n", c.name, t.name.c_str(), layoutName(l), q.symmetric ? " symmetric" : "",
                        q.perChannelWeights ? " per-channel" : "");
          }
        }
      }
    }
  }
  std::printf("fused correctness: %d of %d bit-exact comparisons passed (%zu tables)\n", checks - failures, checks, tables.size());
  return failures;
}

struct Shape {
  std::string name;
  Kind kind;
  Geometry g;
};

double medianMs(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double timeFused(const Shape& sh, const float* x, const float* w, const uint16_t* t, float* y, Variant v, int reps) {
  FusedQuant q;
  for (int i = 0; i < 3; ++i) fused(sh.g, sh.kind, x, w, t, y, q, v);  // warm-up, attribute setup
  synchronize();
  cudaEvent_t a, b;
  check(cudaEventCreate(&a), "cudaEventCreate");
  check(cudaEventCreate(&b), "cudaEventCreate");
  std::vector<float> ms;
  for (int i = 0; i < reps; ++i) {
    check(cudaEventRecord(a), "cudaEventRecord");
    fused(sh.g, sh.kind, x, w, t, y, q, v);
    check(cudaEventRecord(b), "cudaEventRecord");
    check(cudaEventSynchronize(b), "cudaEventSynchronize");
    float m = 0;
    check(cudaEventElapsedTime(&m, a, b), "cudaEventElapsedTime");
    ms.push_back(m);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  return medianMs(ms);
}

std::string kindName(Kind k) { return k == Kind::Conv2d ? "conv2d" : "depthwise"; }

}  // namespace

int main(int argc, char** argv) {
  const std::string tablesDir = argc > 1 ? argv[1] : "../shared/multipliers";
  const std::string outDir = argc > 2 ? argv[2] : "bench/results";
  const int reps = argc > 3 ? std::atoi(argv[3]) : 50;
  try {
    const DeviceStatus st = deviceStatus();
    if (st.devices < 1) {
      std::printf("%s\n", st.detail.c_str());
      return 2;
    }
    std::printf("device: %s\n", st.detail.c_str());
    const std::vector<Table> tables = loadTables(tablesDir);
    if (tables.empty()) throw std::runtime_error("no .bin tables in " + tablesDir);
    if (correctness(tables) != 0 || fusedCorrectness(tables) != 0) return 1;

    // DARTS shapes (docs/DARTS.md): search C=16, batch 512 (cells at 32x32/16x16/8x8 with 16/32/64 channels);
    // evaluation C=32, batch 256; sep_conv = depthwise kxk + pointwise 1x1, dil_conv = depthwise dilation 2.
    std::vector<Shape> shapes = {
        {"search dw3x3 C16 32x32 b512", Kind::Depthwise, geometry(512, 32, 16, 16, 3, 1, 1, 1)},
        {"search dw5x5 C16 32x32 b512", Kind::Depthwise, geometry(512, 32, 16, 16, 5, 1, 1, 2)},
        {"search dil3x3 C32 16x16 b512", Kind::Depthwise, geometry(512, 16, 32, 32, 3, 1, 2, 2)},
        {"search pw1x1 C16 32x32 b512", Kind::Conv2d, geometry(512, 32, 16, 16, 1, 1, 1, 0)},
        {"search pw1x1 C32 16x16 b512", Kind::Conv2d, geometry(512, 16, 32, 32, 1, 1, 1, 0)},
        {"search pw1x1 C64 8x8 b512", Kind::Conv2d, geometry(512, 8, 64, 64, 1, 1, 1, 0)},
        {"eval dw3x3 C32 32x32 b256", Kind::Depthwise, geometry(256, 32, 32, 32, 3, 1, 1, 1)},
        {"eval dw3x3 C128 8x8 b256", Kind::Depthwise, geometry(256, 8, 128, 128, 3, 1, 1, 1)},
        {"eval pw1x1 C32 32x32 b256", Kind::Conv2d, geometry(256, 32, 32, 32, 1, 1, 1, 0)},
        {"eval pw1x1 C128 8x8 b256", Kind::Conv2d, geometry(256, 8, 128, 128, 1, 1, 1, 0)},
        {"large conv2d 3x3 C128 32x32 b256", Kind::Conv2d, geometry(256, 32, 128, 128, 3, 1, 1, 1)},
        {"large depthwise 3x3 C128 32x32 b256", Kind::Depthwise, geometry(256, 32, 128, 128, 3, 1, 1, 1)},
    };
    const Table* ngr = &tables.front();
    for (const Table& t : tables)
      if (t.name == "mul8u_NGR") ngr = &t;

    std::ostringstream json;
    json << "{\n  \"device\": \"" << st.detail << "\",\n  \"table\": \"" << ngr->name << "\",\n  \"reps\": " << reps
         << ",\n  \"note\": \"fused path incl. batch range reduction and quantization; median of reps (CUDA events)\",\n  \"shapes\": [\n";
    std::printf("\n%-38s %-17s %10s %10s\n", "shape", "kernel", "ms", "G MAC/s");
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    for (size_t si = 0; si < shapes.size(); ++si) {
      const Shape& sh = shapes[si];
      const Sizes s = sizesOf(sh.g, sh.kind);
      std::vector<float> hx(s.x), hw(s.w);
      for (auto& v : hx) v = uni(rng);
      for (auto& v : hw) v = uni(rng) * 0.1f;
      DevVec<float> x(hx), w(hw), y(s.out);
      DevVec<uint16_t> t(ngr->products);
      const double macs = static_cast<double>(s.out) * s.K;
      json << "    {\"name\": \"" << sh.name << "\", \"kind\": \"" << kindName(sh.kind) << "\", \"batch\": " << sh.g.batch
           << ", \"size\": " << sh.g.inHeight << ", \"inChannels\": " << sh.g.inChannels << ", \"outChannels\": " << sh.g.outChannels
           << ", \"kernel\": " << sh.g.filterHeight << ", \"stride\": " << sh.g.strideHeight << ", \"dilation\": " << sh.g.dilationHeight
           << ", \"pad\": " << sh.g.padTop << ", \"macs\": " << macs << ", \"ms\": {";
      double best = 1e30, exactMs = 0;
      for (int li = 0; li <= 3; ++li) {
        const bool exact = li == 3;
        const Variant v{exact ? TableLayout::ActivationMajor : kLayouts[li], exact};
        const char* label = exact ? "exact-multiply" : layoutName(kLayouts[li]);
        const double ms = timeFused(sh, x.p, w.p, t.p, y.p, v, reps);
        if (exact) exactMs = ms; else best = std::min(best, ms);
        std::printf("%-38s %-17s %10.4f %10.1f\n", sh.name.c_str(), label, ms, macs / ms / 1e6);
        json << (li ? ", " : "") << "\"" << label << "\": " << ms;
      }
      json << "}, \"bestLutGmacPerS\": " << macs / best / 1e6 << ", \"lutOverExact\": " << best / exactMs << "}"
           << (si + 1 < shapes.size() ? ",\n" : "\n");
    }
    json << "  ]\n}\n";
    std::string gpu = st.detail.substr(0, st.detail.find(" ("));
    for (char& c : gpu) c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
    const std::string path = outDir + "/cuda-" + gpu + ".json";
    std::ofstream(path) << json.str();
    std::printf("\nwrote %s\n", path.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

#include "dnnl_conv.h"

#include "depthwise_direct.h"

#include <omp.h>

#include <dnnl.hpp>
#include <algorithm>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace cpunative {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  static dnnl::stream s(engine());
  return s;
}

// NHWC as oneDNN's logical NCHW dims plus strides.
memory::desc activations(int n, int h, int w, int c) {
  return memory::desc({n, c, h, w}, dt::f32, {static_cast<memory::dim>(h) * w * c, 1, static_cast<memory::dim>(w) * c, c});
}

// HWIO (conv2d) or H,W,C,M (depthwise = C groups of M outputs, 1 input each) as oneDNN's OIHW / GOIHW dims.
memory::desc filters(const ConvShape& s) {
  const memory::dim kh = s.filterHeight, kw = s.filterWidth, ci = s.inChannels, co = s.outChannels;
  if (!s.depthwise) return memory::desc({co, ci, kh, kw}, dt::f32, {1, co, kw * ci * co, ci * co});
  const memory::dim m = co / ci;
  return memory::desc({ci, m, 1, kh, kw}, dt::f32, {m, 1, co, kw * co, co});
}

// Every pass runs through this: the pass's primitive, and when oneDNN prefers another weights layout, the reorder
// between the user's filter array and a scratch buffer in that layout (filters are small; activations never move).
struct Plan {
  int threads;
  dnnl::primitive conv;
  memory::desc src, weights, dst;        // the user's layouts
  memory::desc convWeights;              // the layout the primitive reads or writes
  std::unique_ptr<dnnl::reorder> weightsReorder;
  std::vector<float> weightsScratch;
  std::string impl;
  // a depthwise pass oneDNN has no depthwise kernel for runs depthwise_direct.cc's loops instead
  bool direct = false;
};

// The threads the user asked for (setThreads), kept apart from OpenMP's per-call setting below.
int configuredThreads = 0;
int configured() { return configuredThreads > 0 ? configuredThreads : (configuredThreads = omp_get_max_threads()); }

// A search step runs thousands of small convolutions: a shape gets a thread per 256k multiply-adds (a few tens of
// microseconds of work), below which waking the second thread and waiting at oneDNN's barriers costs about what it
// saves. On this project's 2-core machine, 8M (one thread nearly always) made the search step slower, 1M and 64k
// no faster (the search step of bench/pytorch-peer.ts, timed at each setting).
constexpr double kMinMacsPerThread = 1 << 18;

int threadsFor(const ConvShape& s) {
  const double macs = static_cast<double>(s.batch) * s.outHeight * s.outWidth * s.outChannels * s.filterHeight * s.filterWidth * (s.depthwise ? 1 : s.inChannels);
  const int all = configured();
  return std::max(1, std::min(all, static_cast<int>(macs / kMinMacsPerThread)));
}

// OpenMP's thread count for the calling thread, set for one primitive's creation or execution and restored after.
struct ThreadScope {
  explicit ThreadScope(int n) { omp_set_num_threads(n); }
  ~ThreadScope() { omp_set_num_threads(configured()); }
};

memory::dims dilations(const ConvShape& s) { return {s.dilationHeight - 1, s.dilationWidth - 1}; }

dnnl::convolution_forward::primitive_desc forwardDesc(const ConvShape& s, const memory::desc& src, const memory::desc& w, const memory::desc& dst) {
  const dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src, w, dst,
                                          {s.strideHeight, s.strideWidth}, dilations(s), {s.padTop, s.padLeft}, {s.padBottom, s.padRight});
  return dnnl::convolution_forward::primitive_desc(d, engine());
}

std::unique_ptr<Plan> makePlan(ConvPass pass, const ConvShape& s) {
  auto p = std::make_unique<Plan>();
  p->threads = threadsFor(s);
  // oneDNN sizes some kernels' work split when the primitive is created: create it with the threads it will run on
  const ThreadScope scope(p->threads);
  p->src = activations(s.batch, s.inHeight, s.inWidth, s.inChannels);
  p->dst = activations(s.batch, s.outHeight, s.outWidth, s.outChannels);
  p->weights = filters(s);
  const memory::desc anyWeights(p->weights.dims(), dt::f32, tag::any);
  const auto fwd = forwardDesc(s, p->src, anyWeights, p->dst);
  switch (pass) {
    case ConvPass::Forward:
      p->conv = dnnl::convolution_forward(fwd);
      p->convWeights = fwd.weights_desc();
      p->impl = fwd.impl_info_str();
      break;
    case ConvPass::BackwardData: {
      const dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, p->src, anyWeights, p->dst,
                                                    {s.strideHeight, s.strideWidth}, dilations(s), {s.padTop, s.padLeft}, {s.padBottom, s.padRight});
      const dnnl::convolution_backward_data::primitive_desc pd(d, engine(), fwd);
      p->conv = dnnl::convolution_backward_data(pd);
      p->convWeights = pd.weights_desc();
      p->impl = pd.impl_info_str();
      break;
    }
    case ConvPass::BackwardWeights: {
      const dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, p->src, anyWeights, p->dst,
                                                       {s.strideHeight, s.strideWidth}, dilations(s), {s.padTop, s.padLeft}, {s.padBottom, s.padRight});
      const dnnl::convolution_backward_weights::primitive_desc pd(d, engine(), fwd);
      p->conv = dnnl::convolution_backward_weights(pd);
      p->convWeights = pd.diff_weights_desc();
      p->impl = pd.impl_info_str();
      break;
    }
  }
  p->direct = s.depthwise && s.outChannels == s.inChannels && p->impl.find("_dw") == std::string::npos;
  if (p->direct) p->impl = "direct depthwise loops (oneDNN offered " + p->impl + ")";
  if (p->convWeights != p->weights && !p->direct) {
    p->weightsScratch.resize(p->convWeights.get_size() / sizeof(float) + 1);
    p->weightsReorder = pass == ConvPass::BackwardWeights ? std::make_unique<dnnl::reorder>(dnnl::reorder::primitive_desc(engine(), p->convWeights, engine(), p->weights))
                                                          : std::make_unique<dnnl::reorder>(dnnl::reorder::primitive_desc(engine(), p->weights, engine(), p->convWeights));
  }
  return p;
}

std::string keyOf(ConvPass pass, const ConvShape& s) {
  std::ostringstream k;
  k << static_cast<int>(pass) << ':' << s.batch << ',' << s.inHeight << ',' << s.inWidth << ',' << s.inChannels << ',' << s.outHeight << ','
    << s.outWidth << ',' << s.outChannels << ',' << s.filterHeight << ',' << s.filterWidth << ',' << s.strideHeight << ',' << s.strideWidth
    << ',' << s.dilationHeight << ',' << s.dilationWidth << ',' << s.padTop << ',' << s.padLeft << ',' << s.padBottom << ',' << s.padRight
    << ',' << s.depthwise;
  return k.str();
}

// Primitive creation costs far more than a small convolution, and a search step repeats the same few shapes.
Plan& planFor(ConvPass pass, const ConvShape& s) {
  static std::unordered_map<std::string, std::unique_ptr<Plan>> cache;
  const std::string key = keyOf(pass, s);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  try {
    return *cache.emplace(key, makePlan(pass, s)).first->second;
  } catch (const dnnl::error& e) {
    throw std::runtime_error(std::string("oneDNN cannot run this convolution (") + key + "): " + e.what());
  }
}

}  // namespace

void convolve(ConvPass pass, const ConvShape& s, const float* a, const float* b, float* out) {
  Plan& p = planFor(pass, s);
  const ThreadScope scope(p.threads);
  if (p.direct) return depthwiseDirect(pass, s, a, b, out);
  auto& st = stream();
  auto& e = engine();
  auto mem = [&](const memory::desc& d, const float* ptr) { return memory(d, e, const_cast<float*>(ptr)); };
  const bool reorder = p.weightsReorder != nullptr;
  switch (pass) {
    case ConvPass::Forward:
    case ConvPass::BackwardData: {
      memory w = mem(p.weights, b);
      memory cw = reorder ? mem(p.convWeights, p.weightsScratch.data()) : w;
      if (reorder) p.weightsReorder->execute(st, w, cw);
      if (pass == ConvPass::Forward)
        p.conv.execute(st, {{DNNL_ARG_SRC, mem(p.src, a)}, {DNNL_ARG_WEIGHTS, cw}, {DNNL_ARG_DST, mem(p.dst, out)}});
      else
        p.conv.execute(st, {{DNNL_ARG_DIFF_DST, mem(p.dst, a)}, {DNNL_ARG_WEIGHTS, cw}, {DNNL_ARG_DIFF_SRC, mem(p.src, out)}});
      break;
    }
    case ConvPass::BackwardWeights: {
      memory dw = mem(p.weights, out);
      memory cdw = reorder ? mem(p.convWeights, p.weightsScratch.data()) : dw;
      p.conv.execute(st, {{DNNL_ARG_SRC, mem(p.src, a)}, {DNNL_ARG_DIFF_DST, mem(p.dst, b)}, {DNNL_ARG_DIFF_WEIGHTS, cdw}});
      if (reorder) p.weightsReorder->execute(st, cdw, dw);
      break;
    }
  }
  st.wait();
}

std::string convImplementation(ConvPass pass, const ConvShape& s) { return planFor(pass, s).impl; }

int threads() { return configured(); }

void setThreads(int n) {
  configuredThreads = n;
  omp_set_num_threads(n);
}

}  // namespace cpunative

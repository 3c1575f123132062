#include "tensorflow/engine/Network.h"

#include <cmath>
#include <stdexcept>

namespace ptychopinn::tf {
namespace {

// The 4 decoder channels that the outer branch takes with pad_object.
constexpr int64_t kOuterChannels = 4;

int64_t log2Exact(int64_t n) {
  int64_t k = 0;
  while ((int64_t{1} << k) < n) ++k;
  return k;
}

std::vector<int64_t> encoderWidths(int64_t N) {
  const int64_t blocks = log2Exact(N) - 3;
  std::vector<int64_t> widths;
  for (int64_t i = 0; i < blocks; ++i) widths.push_back(int64_t{128} >> (blocks - 1 - i));
  return widths;
}

std::vector<int64_t> decoderWidths(int64_t N) {
  const int64_t blocks = log2Exact(N) - 4;
  std::vector<int64_t> widths;
  for (int64_t i = 0; i < blocks; ++i) widths.push_back(int64_t{32} << (blocks - 1 - i));
  return widths;
}

// A torch::nn::Sequential's naming: each module, convolutions or not, takes the next index.
class SequentialNames {
 public:
  explicit SequentialNames(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string module() { return prefix_ + "." + std::to_string(index_++); }
  void skip() { ++index_; }  // a module without parameters (ReLU, pooling, up-sampling)

 private:
  std::string prefix_;
  int index_ = 0;
};

class NetworkBuilder {
 public:
  NetworkBuilder(Graph& graph, Parameters& parameters, const model::ModelConfig& config)
      : g_(graph), parameters_(parameters), config_(config) {}

  // conv3×3 (same padding) + bias.
  Output conv3x3(const std::string& name, Output x, int64_t in, int64_t out) {
    auto kernel = parameters_.add(g_, name + ".weight", {3, 3, in, out}, Layout::ConvKernel, Kind::Trained);
    auto bias = parameters_.add(g_, name + ".bias", {out}, Layout::Plain, Kind::Trained);
    auto y = g_.op("Conv2D")
                 .input(x)
                 .input(kernel)
                 .attr("strides", std::vector<int64_t>{1, 1, 1, 1})
                 .attr("padding", std::string("SAME"))
                 .attr("data_format", std::string("NHWC"))
                 .output();
    return g_.op("BiasAdd").input(y).input(bias).attr("data_format", std::string("NHWC")).output();
  }

  // conv3×3 + ReLU, conv3×3 + ReLU
  Output convPair(SequentialNames& names, Output x, int64_t in, int64_t out) {
    x = g_.unary("Relu", conv3x3(names.module(), x, in, out));
    names.skip();
    x = g_.unary("Relu", conv3x3(names.module(), x, out, out));
    names.skip();
    return x;
  }

  Output upBlock(SequentialNames& names, Output x, int64_t in, int64_t out, int64_t size) {
    x = convPair(names, x, in, out);
    names.skip();
    return g_.op("ResizeNearestNeighbor")
        .input(x)
        .input(g_.int32s({static_cast<int32_t>(2 * size), static_cast<int32_t>(2 * size)}))
        .output();
  }

  Output swish(Output x) { return g_.mul(x, g_.unary("Sigmoid", x)); }

  Output head(Output x, bool phase) {
    if (phase) return g_.mul(g_.scalar(M_PI, TF_FLOAT), g_.unary("Tanh", x));
    switch (config_.ampActivation) {
      case model::Activation::Sigmoid:
        return g_.unary("Sigmoid", x);
      case model::Activation::Swish:
        return swish(x);
      case model::Activation::Softplus:
        return g_.unary("Softplus", x);
      case model::Activation::Relu:
        return g_.unary("Relu", x);
    }
    throw std::logic_error("unhandled activation");
  }

  Output encoder(Output x) {
    auto scope = g_.scope("encoder");
    SequentialNames names("network.encoder");
    int64_t in = config_.channels();
    for (int64_t w : encoderWidths(config_.N)) {
      x = convPair(names, x, in, w * config_.nFiltersScale);
      x = g_.op("MaxPool")
              .input(x)
              .attr("ksize", std::vector<int64_t>{1, 2, 2, 1})
              .attr("strides", std::vector<int64_t>{1, 2, 2, 1})
              .attr("padding", std::string("VALID"))
              .attr("data_format", std::string("NHWC"))
              .output();
      names.skip();
      in = w * config_.nFiltersScale;
    }
    return x;
  }

  Output decoder(Output features, bool phase) {
    const std::string prefix = phase ? "network.phase" : "network.amplitude";
    auto scope = g_.scope(phase ? "phase" : "amplitude");
    const int64_t nfs = config_.nFiltersScale, N = config_.N, cOut = config_.outputChannels();
    SequentialNames blocks(prefix + ".blocks");
    int64_t in = 128 * nfs, size = 8;
    auto x = features;
    for (int64_t w : decoderWidths(N)) {
      x = upBlock(blocks, x, in, w * nfs, size);
      in = w * nfs;
      size *= 2;
    }
    // F = nfs · 2048 / N filters in the last up-block (nfs · 32 at N = 64).
    const int64_t F = nfs * 2048 / N;
    SequentialNames outer(prefix + ".outer");
    if (!config_.padObject) {
      auto y = upBlock(outer, x, in, F, size);
      return head(conv3x3(outer.module(), y, F, cOut), phase);
    }
    const auto channels = static_cast<int32_t>(in), pad = static_cast<int32_t>(N / 4);
    // The main branch predicts only the central N/2 window; zero-pad it to N.
    auto inner = g_.slice(x, {0, 0, 0, 0}, {-1, -1, -1, channels - static_cast<int32_t>(kOuterChannels)});
    auto central = head(conv3x3(prefix + ".main", inner, in - kOuterChannels, cOut), phase);
    auto out =
        g_.op("Pad").input(central).input(g_.reshape(g_.int32s({0, 0, pad, pad, pad, pad, 0, 0}), {4, 2})).output();
    if (!config_.probeBig) return out;
    auto rest = g_.slice(x, {0, 0, 0, channels - static_cast<int32_t>(kOuterChannels)}, {-1, -1, -1, -1});
    auto y = upBlock(outer, rest, kOuterChannels, F, size);
    y = swish(conv3x3(outer.module(), y, F, cOut));
    // 0 on the central N/2 window (the main branch's), 1 elsewhere: a buffer in LibTorch.
    auto mask = parameters_.add(g_, prefix + ".outer_mask", {N, N}, Layout::Plain, Kind::Buffer);
    return g_.add(out, g_.mul(y, g_.reshape(mask, {1, static_cast<int32_t>(N), static_cast<int32_t>(N), 1})));
  }

 private:
  Graph& g_;
  Parameters& parameters_;
  const model::ModelConfig& config_;
};

}  // namespace

NetworkOutputs buildNetwork(Graph& graph, Parameters& parameters, const model::ModelConfig& config, Output input) {
  auto scope = graph.scope("network");
  NetworkBuilder builder(graph, parameters, config);
  auto features = builder.encoder(input);
  return {builder.decoder(features, false), builder.decoder(features, true)};
}

}  // namespace ptychopinn::tf

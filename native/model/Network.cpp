#include "model/Network.h"

#include "model/LowerPrecision.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/modules/upsampling.h>

#include <cmath>

namespace ptychopinn::model {
namespace {

namespace nn = torch::nn;

int64_t log2Exact(int64_t n) {
  int64_t k = 0;
  while ((int64_t{1} << k) < n) ++k;
  return k;
}

nn::Conv2d conv3x3(int64_t in, int64_t out) { return nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)); }

// conv3×3 + ReLU, conv3×3 + ReLU
void appendConvPair(nn::Sequential& seq, int64_t in, int64_t out) {
  seq->push_back(conv3x3(in, out));
  seq->push_back(nn::ReLU());
  seq->push_back(conv3x3(out, out));
  seq->push_back(nn::ReLU());
}

void appendUpBlock(nn::Sequential& seq, int64_t in, int64_t out) {
  appendConvPair(seq, in, out);
  seq->push_back(nn::Upsample(nn::UpsampleOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest)));
}

torch::Tensor swish(const torch::Tensor& x) { return x * torch::sigmoid(x); }

}  // namespace

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

DecoderImpl::DecoderImpl(const ModelConfig& config, bool phase) : config_(config), phase_(phase) {
  const int64_t nfs = config.nFiltersScale, N = config.N, cOut = config.outputChannels();
  blocks_ = nn::Sequential();
  int64_t in = 128 * nfs;
  for (int64_t w : decoderWidths(N)) {
    appendUpBlock(blocks_, in, w * nfs);
    in = w * nfs;
  }
  register_module("blocks", blocks_);
  // F = nfs · 2048 / N filters in the last up-block (nfs · 32 at N = 64).
  const int64_t F = nfs * 2048 / N;
  constexpr int64_t kOuterChannels = 4;
  if (config.padObject) {
    main_ = register_module("main", conv3x3(in - kOuterChannels, cOut));
    if (config.probeBig) {
      outer_ = nn::Sequential();
      appendUpBlock(outer_, kOuterChannels, F);
      outer_->push_back(conv3x3(F, cOut));
      register_module("outer", outer_);
      // 0 on the central N/2 window (the main branch's), 1 elsewhere.
      auto mask = torch::ones({N, N});
      mask.narrow(0, N / 4, N / 2).narrow(1, N / 4, N / 2).zero_();
      outerMask_ = register_buffer("outer_mask", mask);
    }
  } else {
    outer_ = nn::Sequential();
    appendUpBlock(outer_, in, F);
    outer_->push_back(conv3x3(F, cOut));
    register_module("outer", outer_);
  }
}

torch::Tensor DecoderImpl::head(const torch::Tensor& x) const {
  if (phase_) return M_PI * torch::tanh(x);
  switch (config_.ampActivation) {
    case Activation::Sigmoid:
      return torch::sigmoid(x);
    case Activation::Swish:
      return swish(x);
    case Activation::Softplus:
      return torch::softplus(x);
    case Activation::Relu:
      return torch::relu(x);
  }
  throw std::logic_error("unhandled activation");
}

// The narrow last convolutions (C_out channels) and the heads run in float32,
// whatever precision the wide convolutions ran in (see LowerPrecision.h).
torch::Tensor DecoderImpl::forward(const torch::Tensor& features) {
  auto x = blocks_->forward(features);
  if (!config_.padObject) return head(outerBranch(x));
  const int64_t channels = x.size(1), pad = config_.N / 4;
  torch::Tensor central;
  {
    Autocast float32(false);
    // The main branch predicts only the central N/2 window; zero-pad it to N.
    central = head(main_->forward(x.narrow(1, 0, channels - 4).to(torch::kFloat)));
  }
  auto out = torch::constant_pad_nd(central, {pad, pad, pad, pad});
  if (config_.probeBig) out = out + swish(outerBranch(x.narrow(1, channels - 4, 4))) * outerMask_;
  return out;
}

// The outer branch: its up-block in the caller's precision, its last convolution in float32.
torch::Tensor DecoderImpl::outerBranch(const torch::Tensor& x) {
  auto y = x;
  const size_t last = outer_->size() - 1;
  size_t index = 0;
  for (auto& layer : *outer_) {
    if (index++ < last) {
      y = layer.forward(y);
    } else {
      Autocast float32(false);
      y = layer.forward(y.to(torch::kFloat));
    }
  }
  return y;
}

NetworkImpl::NetworkImpl(const ModelConfig& config) : bfloat16_(config.bfloat16) {
  encoder_ = nn::Sequential();
  int64_t in = config.channels();
  for (int64_t w : encoderWidths(config.N)) {
    appendConvPair(encoder_, in, w * config.nFiltersScale);
    encoder_->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
    in = w * config.nFiltersScale;
  }
  register_module("encoder", encoder_);
  amplitude_ = register_module("amplitude", Decoder(config, false));
  phase_ = register_module("phase", Decoder(config, true));
  // Channels-last (NHWC) kernels: oneDNN's convolutions run without reordering
  // their operands. Measured on 2 cores (N = 64, nfs 2): inference 1.6-1.7x and a
  // training step 1.16-1.18x the patterns/s of NCHW (scripts/bench/peer.js).
  for (auto& p : parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

torch::Tensor NetworkImpl::forward(const torch::Tensor& x) {
  torch::Tensor amplitude, phase;
  {
    Autocast convolutions(bfloat16_);
    auto features = encoder_->forward(x.contiguous(torch::MemoryFormat::ChannelsLast));
    amplitude = amplitude_->forward(features);
    phase = phase_->forward(features);
  }
  // amp·e^{i·phase} written out: torch::polar's backward takes the gradient of the
  // magnitude as Re(conj(g)·sgn(z)), which flips its sign where the magnitude is
  // negative, as the swish of the outer branch can be (checked against finite
  // differences and the TensorFlow engine's gradients).
  return torch::complex(amplitude * torch::cos(phase), amplitude * torch::sin(phase));
}

void initializeKeras(torch::nn::Module& module, at::Generator& generator) {
  torch::NoGradGuard noGrad;
  for (auto& item : module.named_parameters(true)) {
    auto& p = item.value();
    if (p.dim() == 4) {
      const double receptive = static_cast<double>(p.size(2) * p.size(3));
      const double limit = std::sqrt(6.0 / (receptive * static_cast<double>(p.size(0) + p.size(1))));
      p.uniform_(-limit, limit, generator);
    } else if (item.key().size() >= 4 && item.key().compare(item.key().size() - 4, 4, "bias") == 0) {
      p.zero_();
    }
  }
}

}  // namespace ptychopinn::model

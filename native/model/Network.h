// The PtychoPINN network of reference §6 (the TensorFlow paper model): an encoder
// of conv-conv-pool blocks and two decoders (amplitude, phase) of
// conv-conv-upsample blocks, with the pad_object / probe_big last stage.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include "model/ModelConfig.h"

namespace ptychopinn::model {

// One decoder: blocks down to N/2, then the last stage to an (B, C_out, N, N) map.
class DecoderImpl : public torch::nn::Module {
 public:
  DecoderImpl(const ModelConfig& config, bool phase);
  torch::Tensor forward(const torch::Tensor& features);

 private:
  torch::Tensor head(const torch::Tensor& x) const;
  torch::Tensor outerBranch(const torch::Tensor& x);

  ModelConfig config_;
  bool phase_;
  torch::nn::Sequential blocks_{nullptr};
  torch::nn::Conv2d main_{nullptr};
  torch::nn::Sequential outer_{nullptr};  // up-block + conv (pad_object && probe_big, or !pad_object)
  torch::Tensor outerMask_;
};
TORCH_MODULE(Decoder);

class NetworkImpl : public torch::nn::Module {
 public:
  explicit NetworkImpl(const ModelConfig& config);
  // x (B, C, N, N) amplitudes -> object patches (B, C_out, N, N) complex.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  bool bfloat16_;
  torch::nn::Sequential encoder_{nullptr};
  Decoder amplitude_{nullptr};
  Decoder phase_{nullptr};
};
TORCH_MODULE(Network);

// Encoder widths (multiples of n_filters_scale) for N: [.., 32, 64, 128], one more
// block of half the width per doubling of N, ending at 8 × 8.
std::vector<int64_t> encoderWidths(int64_t N);
// Decoder widths for N: [.., 64, 32], ending at N/2.
std::vector<int64_t> decoderWidths(int64_t N);

// Glorot-uniform kernels and zero biases (Keras' defaults, as in the TF model),
// drawn from `generator` so initialisation depends on the seed alone.
void initializeKeras(torch::nn::Module& module, at::Generator& generator);

}  // namespace ptychopinn::model

// The network composed with the physics model into the training objective of
// reference §4–5: amplitudes s·X in, object patches out, Poisson NLL / MAE against
// the observed amplitudes through the forward model.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "model/Network.h"

namespace ptychopinn::model {

struct LossParts {
  torch::Tensor total;
  torch::Tensor nll;
  torch::Tensor mae;
};

class PtychoPINNImpl : public torch::nn::Module {
 public:
  // probe: (N, N) complex, already normalised.
  PtychoPINNImpl(const ModelConfig& config, const torch::Tensor& probe);

  // Normalised amplitudes X (B, C, N, N) -> object patches (B, C_out, N, N) complex.
  // The network sees s·X / exp(log_scale), which is X at initialisation.
  torch::Tensor objectPatches(const torch::Tensor& amplitudes);

  // The training objective for normalised amplitudes X and relative positions
  // (B, C, 2); mask (N, N), 1 = good pixel, may be undefined.
  LossParts objective(const torch::Tensor& amplitudes, const torch::Tensor& positions, const torch::Tensor& mask);

  const ModelConfig& config() const { return config_; }
  torch::Tensor probe() const;
  double trainedIntensityScale() const;

 private:
  ModelConfig config_;
  Network network_{nullptr};
  torch::Tensor logScale_;
  torch::Tensor probeRealImag_;  // (N, N, 2): a real tensor so any optimiser can train it
};
TORCH_MODULE(PtychoPINN);

}  // namespace ptychopinn::model

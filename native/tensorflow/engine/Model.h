// PtychoPINN in one TensorFlow graph and session (reference §4–6): the network,
// the physics forward model and the training objective, its gradients (through the
// far field's hand-written adjoint) and Adam as graph ops on resource variables,
// so that one optimiser step is one TF_SessionRun. Not thread-safe by itself:
// ModelState holds the lock that inference and training share.
#pragma once
#include <memory>
#include <vector>

#include "model/ModelConfig.h"
#include "tensorflow/engine/Graph.h"
#include "tensorflow/engine/HostArray.h"
#include "tensorflow/engine/Parameters.h"
#include "tensorflow/engine/Session.h"

namespace ptychopinn::tf {

struct LossParts {
  double total, nll, mae;
};

// One batch as the graph takes it: amplitudes (B, C, N, N), positions (B, C, 2), mask (N, N).
struct Batch {
  const TF_Tensor* amplitudes;
  const TF_Tensor* positions;
  const TF_Tensor* mask;
};

// torch.optim.Adam's step t at learning rate lr (betas 0.9, 0.999, eps 1e-8).
struct AdamStep {
  double learningRate;
  int64_t step;  // 1 for the first
};

class Model {
 public:
  // probe: (N, N) complex, normalised. Weights start Glorot-uniform from config.seed.
  Model(const model::ModelConfig& config, const HostArray& probe, const SessionConfig& sessionConfig);

  const model::ModelConfig& config() const { return config_; }
  // Registered parameters as the LibTorch engine counts them (buffers excluded).
  int64_t parameterCount() const;

  // Object patches (B, C_out, N, N) complex for normalised amplitudes (B, C, N, N).
  HostArray objectPatches(const TF_Tensor* amplitudes) const;
  LossParts evaluate(const Batch& batch) const;
  // One optimiser step; returns the loss before it.
  LossParts trainStep(const Batch& batch, const AdamStep& step);
  // The loss and the gradient of every trained parameter (state-dict names and layouts).
  LossParts lossAndGradients(const Batch& batch, HostStateDict& gradients) const;
  // Zeroes Adam's moments: each training run starts a fresh optimiser, as in LibTorch.
  void resetOptimizer();

  // Every parameter and buffer in state-dict layout.
  HostStateDict state() const;
  // Throws ArgumentError naming a missing tensor or a wrong shape; extra names are ignored.
  void loadState(const HostStateDict& state);
  // exp(log_scale).
  double intensityScale() const;
  // All pixels good.
  const TF_Tensor* allGood() const { return allGood_.get(); }

 private:
  void buildObjective();
  void buildOptimizer();
  HostStateDict initialState(const HostArray& probe) const;
  Feeds batchFeeds(const Batch& batch) const;
  std::vector<Output> lossOutputs() const { return {total_, nll_, mae_}; }

  model::ModelConfig config_;
  Graph graph_;
  Parameters parameters_;
  std::vector<size_t> trained_;  // indices into parameters_.all() of the trained ones
  Output amplitudes_, positions_, mask_;
  Output objectRe_, objectIm_;
  Output logScale_;
  Output total_, nll_, mae_;
  std::vector<Output> gradients_;  // of trained_, in its order
  Output learningRate_, beta1Power_, beta2Power_, epsilon_;
  TF_Operation* trainStep_ = nullptr;
  TF_Operation* resetOptimizer_ = nullptr;
  TensorPtr allGood_{nullptr, TF_DeleteTensor};
  std::unique_ptr<Session> session_;
};

}  // namespace ptychopinn::tf

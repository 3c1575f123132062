// The training loop (reference §6 defaults): Adam, reduce-on-plateau, optional early
// stopping, seeded validation split and shuffles. It runs on a thread of its own and
// talks to JS only through a ProgressSink. With more than one rank (data parallelism,
// Distributed.h) each process runs this loop on its piece of every batch (Sharding.h)
// and steps with the gradients averaged over all ranks.
#pragma once
#include <torch/types.h>

#include <atomic>
#include <map>
#include <shared_mutex>
#include <string>

#include "model/PtychoPINN.h"
#include "training/Progress.h"
#include "training/TrainOptions.h"

namespace ptychopinn::training {

// X (M, C, N, N) normalised amplitudes, positions (M, C, 2); validation optional.
struct TrainData {
  torch::Tensor amplitudes;
  torch::Tensor positions;
  torch::Tensor mask;  // (N, N), may be undefined
  torch::Tensor validationAmplitudes;
  torch::Tensor validationPositions;
};

using StateDict = std::map<std::string, torch::Tensor>;

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void batch(const BatchProgress& progress) = 0;
  virtual void epoch(const EpochRecord& record) = 0;
  virtual void checkpoint(int64_t epoch, StateDict state, bool aborted) = 0;
};

// A CPU copy of every parameter and buffer, by name.
StateDict copyState(model::PtychoPINN& model);

// Trains `model` in place. Each optimiser step holds `weightsLock` exclusively, so
// inference may run between steps. Returns within one batch once `abort` is set (on
// any rank: every rank stops at the same step). Across ranks the epoch records, the
// learning-rate schedule and early stopping use the losses over all ranks' groups;
// only rank 0 hands out checkpoints. A failed rank throws DistributedError.
TrainResult train(model::PtychoPINN& model, std::shared_mutex& weightsLock, const TrainData& data,
                  const TrainOptions& options, ProgressSink& sink, const std::atomic<bool>& abort);

}  // namespace ptychopinn::training

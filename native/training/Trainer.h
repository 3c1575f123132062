// The training loop (reference §6 defaults): Adam, reduce-on-plateau, optional early
// stopping, seeded validation split and shuffles. It runs on a thread of its own and
// talks to JS only through a ProgressSink.
#pragma once
#include <torch/types.h>

#include <atomic>
#include <cmath>
#include <map>
#include <shared_mutex>
#include <string>
#include <vector>

#include "model/PtychoPINN.h"

namespace ptychopinn::training {

struct TrainOptions {
  int64_t epochs = 50;
  int64_t batchSize = 16;
  double learningRate = 1e-3;
  double validationFraction = 0.05;  // used when no validation data is given
  int64_t plateauPatience = 2;
  double plateauFactor = 0.5;
  double minLearningRate = 1e-4;
  int64_t earlyStoppingPatience = 0;  // 0: off
  int64_t checkpointEvery = 0;        // epochs; 0: only on abort
  uint64_t seed = 0;
};

// The settings the JS engine layer builds from the validated configuration; this
// asserts what the loop relies on (std::logic_error, "internal error").
void checkInvariants(const TrainOptions& options);

// X (M, C, N, N) normalised amplitudes, positions (M, C, 2); validation optional.
struct TrainData {
  torch::Tensor amplitudes;
  torch::Tensor positions;
  torch::Tensor mask;  // (N, N), may be undefined
  torch::Tensor validationAmplitudes;
  torch::Tensor validationPositions;
};

struct BatchProgress {
  int64_t epoch, batch, batches;
  double loss, nll, mae, learningRate, patternsPerSecond;
};

struct EpochRecord {
  int64_t epoch;
  double loss, nll, mae;
  double validationLoss, validationNll;  // NaN without validation data
  double learningRate, seconds, patternsPerSecond;
};

using StateDict = std::map<std::string, torch::Tensor>;

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void batch(const BatchProgress& progress) = 0;
  virtual void epoch(const EpochRecord& record) = 0;
  virtual void checkpoint(int64_t epoch, StateDict state, bool aborted) = 0;
};

struct TrainResult {
  std::vector<EpochRecord> history;
  // Validation loss and NLL of the model as it was before this training (NaN without validation data).
  double initialValidationLoss = std::nan("");
  double initialValidationNll = std::nan("");
  bool aborted = false;
  bool stoppedEarly = false;
};

// A CPU copy of every parameter and buffer, by name.
StateDict copyState(model::PtychoPINN& model);

// Trains `model` in place. Each optimiser step holds `weightsLock` exclusively, so
// inference may run between steps. Returns within one batch once `abort` is set.
TrainResult train(model::PtychoPINN& model, std::shared_mutex& weightsLock, const TrainData& data,
                  const TrainOptions& options, ProgressSink& sink, const std::atomic<bool>& abort);

}  // namespace ptychopinn::training

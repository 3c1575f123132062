// What a training loop reports, whatever engine runs it: per batch, per epoch, and
// the run's result.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

namespace ptychopinn::training {

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

struct TrainResult {
  std::vector<EpochRecord> history;
  // Validation loss and NLL of the model as it was before this training (NaN without validation data).
  double initialValidationLoss = std::nan("");
  double initialValidationNll = std::nan("");
  bool aborted = false;
  bool stoppedEarly = false;
};

}  // namespace ptychopinn::training

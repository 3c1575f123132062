// One training run's settings (reference §6 defaults), as the JS engine layer builds
// them from the validated configuration. Shared by every engine's trainer.
#pragma once
#include <cstdint>

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

// Asserts what the loops rely on (std::logic_error, "internal error").
void checkInvariants(const TrainOptions& options);

}  // namespace ptychopinn::training

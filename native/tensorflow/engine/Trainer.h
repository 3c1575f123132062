// The TensorFlow engine's training loop: the LibTorch trainer's loop step for step
// (the same seeded split and shuffles, Adam, reduce-on-plateau, early stopping,
// checkpoints, abort within one batch) with one TF_SessionRun per optimiser step.
#pragma once
#include "tensorflow/engine/HostArray.h"
#include "tensorflow/engine/ModelState.h"
#include "training/Progress.h"
#include "training/TrainOptions.h"

namespace ptychopinn::tf {

// X (M, C, N, N) normalised amplitudes, positions (M, C, 2); the rest optional
// (empty: absent).
struct TrainData {
  HostArray amplitudes;
  HostArray positions;
  HostArray mask;  // (N, N), 1 = good pixel
  HostArray validationAmplitudes;
  HostArray validationPositions;
};

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void batch(const training::BatchProgress& progress) = 0;
  virtual void epoch(const training::EpochRecord& record) = 0;
  virtual void checkpoint(int64_t epoch, HostStateDict state, bool aborted) = 0;
};

// Trains state.model in place; returns within one batch once state.abort is set.
training::TrainResult train(ModelState& state, const TrainData& data, const training::TrainOptions& options,
                            ProgressSink& sink);

}  // namespace ptychopinn::tf

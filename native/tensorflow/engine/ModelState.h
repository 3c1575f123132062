// What a JS model of the TensorFlow engine owns natively, shared with the threads
// working on it (training thread, inference workers) so it outlives whichever
// finishes last.
#pragma once
#include <atomic>
#include <shared_mutex>

#include "tensorflow/engine/Model.h"

namespace ptychopinn::tf {

struct ModelState {
  ModelState(const model::ModelConfig& config, const HostArray& probe, const SessionConfig& sessionConfig)
      : model(config, probe, sessionConfig) {}

  Model model;
  // Inference holds it shared per batch; each optimiser step and loadState hold it
  // exclusively.
  std::shared_mutex weightsLock;
  std::atomic<bool> training{false};
  std::atomic<bool> abort{false};
};

}  // namespace ptychopinn::tf

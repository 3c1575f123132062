// What a JS Model owns natively, shared with the threads working on it (training
// thread, inference workers) so it outlives whichever finishes last.
#pragma once
#include <atomic>
#include <shared_mutex>

#include "model/PtychoPINN.h"

namespace ptychopinn::model {

struct ModelState {
  ModelState(PtychoPINN module, torch::Device device) : module(std::move(module)), device(device) {}

  PtychoPINN module;
  torch::Device device;
  // Inference holds it shared per batch; each optimiser step and loadStateDict hold
  // it exclusively.
  std::shared_mutex weightsLock;
  std::atomic<bool> training{false};
  std::atomic<bool> abort{false};
};

}  // namespace ptychopinn::model

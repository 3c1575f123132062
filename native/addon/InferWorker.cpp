#include "addon/InferWorker.h"

#include <mutex>

#include "addon/Guard.h"
#include "addon/JsTensor.h"
#include "common/Threads.h"

namespace ptychopinn::addon {

InferWorker::InferWorker(Napi::Env env, std::shared_ptr<model::ModelState> state, torch::Tensor amplitudes,
                         Napi::ObjectReference keepAlive, int64_t batchSize)
    : Napi::AsyncWorker(env, "ptychopinn:infer"),
      state_(std::move(state)),
      keepAlive_(std::move(keepAlive)),
      amplitudes_(std::move(amplitudes)),
      batchSize_(batchSize),
      deferred_(Napi::Promise::Deferred::New(env)) {}

void InferWorker::Execute() {
  try {
    applyIntraOpThreads();
    // Inference mode rather than no-grad: no version counters or view tracking on
    // the activations (the outputs go to JS, never into autograd).
    c10::InferenceMode inference;
    std::vector<torch::Tensor> chunks;
    for (int64_t first = 0; first < amplitudes_.size(0); first += batchSize_) {
      const int64_t n = std::min(batchSize_, amplitudes_.size(0) - first);
      auto input = amplitudes_.narrow(0, first, n).to(state_->device);
      std::shared_lock<std::shared_mutex> reading(state_->weightsLock);
      chunks.push_back(state_->module->objectPatches(input).to(torch::kCPU));
    }
    const auto& config = state_->module->config();
    patches_ = chunks.empty() ? torch::empty({0, config.outputChannels(), config.N, config.N}, torch::kComplexFloat)
                              : torch::cat(chunks);
  } catch (const std::exception& e) {
    SetError(describeException(e));
  }
}

void InferWorker::OnOK() { deferred_.Resolve(tensorToJs(Env(), patches_)); }

void InferWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

}  // namespace ptychopinn::addon

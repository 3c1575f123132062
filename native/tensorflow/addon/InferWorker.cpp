#include "tensorflow/addon/InferWorker.h"

#include <mutex>
#include <numeric>

#include "tensorflow/addon/TensorsJs.h"

namespace ptychopinn::tfaddon {

InferWorker::InferWorker(Napi::Env env, std::shared_ptr<tf::ModelState> state, tf::HostArray amplitudes,
                         int64_t batchSize)
    : Napi::AsyncWorker(env, "ptychopinn:infer"),
      state_(std::move(state)),
      amplitudes_(std::move(amplitudes)),
      batchSize_(batchSize),
      deferred_(Napi::Promise::Deferred::New(env)) {}

void InferWorker::Execute() {
  try {
    const auto& config = state_->model.config();
    const int64_t M = amplitudes_.shape[0];
    patches_.shape = {M, config.outputChannels(), config.N, config.N};
    patches_.complex = true;
    patches_.values.reserve(static_cast<size_t>(patches_.elements() * 2));
    for (int64_t first = 0; first < M; first += batchSize_) {
      std::vector<int64_t> rows(static_cast<size_t>(std::min(batchSize_, M - first)));
      std::iota(rows.begin(), rows.end(), first);
      auto input = tf::gatherRows(amplitudes_, rows);
      std::shared_lock<std::shared_mutex> reading(state_->weightsLock);
      auto chunk = state_->model.objectPatches(input.get());
      patches_.values.insert(patches_.values.end(), chunk.values.begin(), chunk.values.end());
    }
  } catch (const std::exception& e) {
    SetError(e.what());
  }
}

void InferWorker::OnOK() { deferred_.Resolve(hostArrayToJs(Env(), std::move(patches_))); }

void InferWorker::OnError(const Napi::Error& error) { deferred_.Reject(error.Value()); }

}  // namespace ptychopinn::tfaddon

// One infer() call of the TensorFlow engine on libuv's pool: object patches for a
// batch of groups, sharing the weights lock with other inferences.
#pragma once
#include <napi.h>

#include <memory>

#include "tensorflow/engine/ModelState.h"

namespace ptychopinn::tfaddon {

class InferWorker : public Napi::AsyncWorker {
 public:
  // amplitudes: (M, C, N, N) normalised, already copied off the JS heap.
  InferWorker(Napi::Env env, std::shared_ptr<tf::ModelState> state, tf::HostArray amplitudes, int64_t batchSize);
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  std::shared_ptr<tf::ModelState> state_;
  tf::HostArray amplitudes_;
  int64_t batchSize_;
  tf::HostArray patches_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace ptychopinn::tfaddon

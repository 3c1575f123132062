// One infer() call on libuv's pool: object patches for a batch of groups, without
// gradients, sharing the weights lock with other inferences.
#pragma once
#include <napi.h>

#include <memory>

#include "model/ModelState.h"

namespace ptychopinn::addon {

class InferWorker : public Napi::AsyncWorker {
 public:
  // amplitudes: (M, C, N, N) normalised, a view of the JS array that `keepAlive` holds.
  InferWorker(Napi::Env env, std::shared_ptr<model::ModelState> state, torch::Tensor amplitudes,
              Napi::ObjectReference keepAlive, int64_t batchSize);
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  std::shared_ptr<model::ModelState> state_;
  Napi::ObjectReference keepAlive_;  // declared before the view into it, so destroyed after it
  torch::Tensor amplitudes_;
  int64_t batchSize_;
  torch::Tensor patches_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace ptychopinn::addon

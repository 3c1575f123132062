// Training threads still running. A detached thread still inside LibTorch when the
// process exits (process.exit(), an uncaught exception) races LibTorch's static
// destructors and segfaults; a Worker torn down mid-training would leave its thread
// training for nobody. Both first abort the threads here and wait for them to
// leave LibTorch, which they do within one batch.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>

#include "model/ModelState.h"

namespace ptychopinn::addon::running {

// On the JS thread of `env`, before the training thread starts; returns its id.
uint64_t started(napi_env env, const std::shared_ptr<model::ModelState>& state);

// The training thread's last call, once it has dropped every tensor it held.
void finished(uint64_t id);

// Stops the training threads started from `env` when its process (or Worker) exits
// and when the environment is torn down.
void installStops(Napi::Env env);

}  // namespace ptychopinn::addon::running

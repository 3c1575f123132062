// Training threads still running, of either addon. A detached thread still inside
// its engine when the process exits (process.exit(), an uncaught exception) races
// the engine's static destructors and segfaults; a Worker torn down mid-training
// would leave its thread training for nobody. Both first raise the abort flags of
// the threads here and wait for them to leave the engine, which they do within one
// batch.
#pragma once
#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace ptychopinn::addon::running {

// On the JS thread of `env`, before the training thread starts; returns its id.
// `abort` is the flag the thread checks between batches.
uint64_t started(napi_env env, std::weak_ptr<std::atomic<bool>> abort);

// The training thread's last call, once it has dropped every tensor it held.
void finished(uint64_t id);

// Stops the training threads started from `env` when its process (or Worker) exits
// and when the environment is torn down.
void installStops(Napi::Env env);

}  // namespace ptychopinn::addon::running

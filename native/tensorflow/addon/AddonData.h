// What the TensorFlow addon keeps per JS environment (the main thread or a Worker):
// the session configuration that configureThreads() fixed. TensorFlow's thread pools
// are process-wide and sized by the first session, so the count is set once, on
// load, and every session this environment creates is given the same.
#pragma once
#include <napi.h>

#include "tensorflow/engine/SessionConfig.h"

namespace ptychopinn::tfaddon {

struct AddonData {
  tf::SessionConfig sessions;
  bool configured = false;
};

// This environment's data, created on first use.
AddonData& addonData(Napi::Env env);

}  // namespace ptychopinn::tfaddon

#include "tensorflow/addon/AddonData.h"

#include <thread>

namespace ptychopinn::tfaddon {

AddonData& addonData(Napi::Env env) {
  auto* data = env.GetInstanceData<AddonData>();
  if (data == nullptr) {
    data = new AddonData();
    // Before configureThreads(): every core for intra-op work, as LibTorch's default.
    data->sessions.intraOpThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    env.SetInstanceData(data);
  }
  return *data;
}

}  // namespace ptychopinn::tfaddon

// ptychopinn_tf.node: the TensorFlow engine over the TensorFlow C API.
#include <napi.h>

#include "tensorflow/addon/Registry.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ptychopinn::tfaddon::registerCapabilities(env, exports);
  ptychopinn::tfaddon::registerPhysics(env, exports);
  ptychopinn::tfaddon::registerModel(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(ptychopinn_tf, Init)

#include <napi.h>

#include "addon/Registry.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ptychopinn::addon::registerCapabilities(env, exports);
  ptychopinn::addon::registerSelfTest(env, exports);
  ptychopinn::addon::registerPhysics(env, exports);
  ptychopinn::addon::registerStitchCanvas(env, exports);
  ptychopinn::addon::registerBenchmarks(env, exports);
  ptychopinn::addon::registerModel(env, exports);
  ptychopinn::addon::registerRefine(env, exports);
  ptychopinn::addon::registerEpochShards(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(ptychopinn, Init)

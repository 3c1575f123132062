#include <napi.h>

#include "Registry.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ptychopinn::registerCapabilities(env, exports);
  ptychopinn::registerSelfTest(env, exports);
  ptychopinn::registerPhysics(env, exports);
  ptychopinn::registerStitchCanvas(env, exports);
  ptychopinn::registerBenchmarks(env, exports);
  ptychopinn::registerModel(env, exports);
  ptychopinn::registerRefine(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(ptychopinn, Init)

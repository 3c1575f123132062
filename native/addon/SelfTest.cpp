// A tensor round trip through LibTorch, used by `ptychopinn doctor` to prove the
// runtime works end to end: data in, a LibTorch op, data out.
#include "addon/Guard.h"
#include "addon/JsTensor.h"
#include "addon/Registry.h"

namespace ptychopinn::addon {
namespace {

// Returns 2·x + 1 computed by LibTorch, so every value proves the op ran.
Napi::Value AffineRoundTrip(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto x = tensorFromJs(info[0], "x");
    return tensorToJs(env, torch::add(torch::mul(x, 2), 1));
  });
}

}  // namespace

void registerSelfTest(Napi::Env env, Napi::Object exports) {
  exports.Set("affineRoundTrip", Napi::Function::New(env, AffineRoundTrip, "affineRoundTrip"));
}

}  // namespace ptychopinn::addon

// What the TensorFlow this addon loaded is: its version, its library file, and the
// thread counts its sessions use.
#include <tensorflow/c/c_api.h>

#include <dlfcn.h>

#include "tensorflow/addon/AddonData.h"
#include "tensorflow/addon/Registry.h"
#include "tensorflow/addon/TfGuard.h"

namespace ptychopinn::tfaddon {
namespace {

// The file of the TensorFlow C API library this process actually loaded.
std::string loadedTensorFlowLibrary() {
  Dl_info where{};
  if (dladdr(reinterpret_cast<void*>(&TF_Version), &where) == 0 || where.dli_fname == nullptr) return "";
  return where.dli_fname;
}

Napi::Value Capabilities(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&] {
    const auto& sessions = addonData(env).sessions;
    auto caps = Napi::Object::New(env);
    caps.Set("tensorflowVersion", TF_Version());
    caps.Set("tensorflowLibrary", loadedTensorFlowLibrary());
    caps.Set("numThreads", sessions.intraOpThreads);
    caps.Set("numInteropThreads", sessions.interOpThreads);
    return caps;
  });
}

// configureThreads(threads): the intra-op count of every session of this
// environment; only the first call sets it. Returns the count in effect.
Napi::Value ConfigureThreads(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsNumber()) {
      throw ArgumentError("configureThreads(threads): threads must be a number");
    }
    const int threads = info[0].As<Napi::Number>().Int32Value();
    if (threads < 1) {
      throw ArgumentError("configureThreads(threads): threads must be >= 1, got " + std::to_string(threads));
    }
    auto& data = addonData(env);
    if (!data.configured) {
      data.sessions.intraOpThreads = threads;
      data.configured = true;
    }
    return Napi::Number::New(env, data.sessions.intraOpThreads);
  });
}

}  // namespace

void registerCapabilities(Napi::Env env, Napi::Object exports) {
  exports.Set("capabilities", Napi::Function::New(env, Capabilities, "capabilities"));
  exports.Set("configureThreads", Napi::Function::New(env, ConfigureThreads, "configureThreads"));
}

}  // namespace ptychopinn::tfaddon

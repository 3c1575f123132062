// Turns native exceptions into JavaScript errors. node-addon-api only converts
// Napi::Error; a c10::Error or std::exception escaping a callback would
// terminate the process, so every exported function body runs inside guarded().
#pragma once
#include <napi.h>

#include <c10/util/Exception.h>
#include <exception>
#include <string>

#include "common/Errors.h"

namespace ptychopinn::addon {

inline std::string describeException(const std::exception& e) {
  if (auto* c10 = dynamic_cast<const c10::Error*>(&e)) {
    return std::string("LibTorch: ") + c10->what_without_backtrace();
  }
  return e.what();
}

template <typename F>
auto guarded(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const ArgumentError& e) {
    throw Napi::TypeError::New(env, e.what());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, describeException(e));
  }
}

}  // namespace ptychopinn::addon

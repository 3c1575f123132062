// Turns the TensorFlow addon's native exceptions into JavaScript errors:
// ArgumentError (a value the caller passed) becomes a TypeError, anything else an
// Error with its message. Every exported function body runs inside guarded().
#pragma once
#include <napi.h>

#include <exception>

#include "common/Errors.h"

namespace ptychopinn::tfaddon {

template <typename F>
auto guarded(Napi::Env env, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const ArgumentError& e) {
    throw Napi::TypeError::New(env, e.what());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

}  // namespace ptychopinn::tfaddon

// JS entry points of the TensorFlow engine's physics (synchronous, small arrays):
// for checking it against the parity cases and its far-field adjoint against finite
// differences. The model builds the same graph pieces (engine/Physics.h).
#include <cmath>

#include "addon/JsOptions.h"
#include "addon/JsTensorView.h"
#include "addon/SettingsFromJs.h"
#include "tensorflow/addon/AddonData.h"
#include "tensorflow/addon/Registry.h"
#include "tensorflow/addon/TensorsJs.h"
#include "tensorflow/addon/TfGuard.h"
#include "tensorflow/engine/PhysicsEvaluation.h"

namespace ptychopinn::tfaddon {
namespace {

using addon::numberArg;
using addon::optionsArg;

// The tensors of a forward call, owned, and the inputs view over them.
struct ForwardCall {
  tf::TensorPtr patches{nullptr, TF_DeleteTensor}, positions{nullptr, TF_DeleteTensor}, probe{nullptr, TF_DeleteTensor};
  tf::ForwardInputs inputs{};
};

// (patches (B, C, N, N) complex, positions (B, C, 2), probe (N, N) complex, scale, options?) from `first`.
ForwardCall readForwardCall(const Napi::CallbackInfo& info, size_t first) {
  ForwardCall call;
  call.patches = tensorFromJs(info[first], "patches");
  requireComplex(call.patches.get(), "patches");
  const auto shape = tf::shapeOf(call.patches.get());
  requireShape(shape, "patches", {-1, -1, -1, -1});
  if (shape[2] != shape[3]) throw ArgumentError("patches: patterns must be square, got " + addon::describeShape(shape));
  call.positions = tensorFromJs(info[first + 1], "positions");
  requireReal(call.positions.get(), "positions");
  requireShape(tf::shapeOf(call.positions.get()), "positions", {shape[0], shape[1], 2});
  requireFinite(call.positions.get(), "positions");
  call.probe = tensorFromJs(info[first + 2], "probe");
  requireComplex(call.probe.get(), "probe");
  requireShape(tf::shapeOf(call.probe.get()), "probe", {shape[3], shape[3]});
  const double scale = numberArg(info, first + 3, "scale");
  if (!std::isfinite(scale)) throw ArgumentError("scale: must be finite");
  call.inputs = {call.patches.get(), call.positions.get(), call.probe.get(), scale,
                 addon::forwardOptionsFromJs(optionsArg(info, first + 4))};
  return call;
}

tf::TensorPtr readPsi(const Napi::Value& value) {
  auto psi = tensorFromJs(value, "psi");
  requireComplex(psi.get(), "psi");
  if (TF_NumDims(psi.get()) < 2) {
    throw ArgumentError("psi: expected (…, N, N), got " + addon::describeShape(tf::shapeOf(psi.get())));
  }
  return psi;
}

Napi::Value ForwardIntensity(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto call = readForwardCall(info, 0);
    return tensorToJs(env, tf::evaluateForwardIntensity(call.inputs, addonData(env).sessions));
  });
}

Napi::Value FarField(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto psi = readPsi(info[0]);
    return tensorToJs(env, tf::evaluateFarField(psi.get(), addonData(env).sessions));
  });
}

Napi::Value PoissonNll(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto predicted = tensorFromJs(info[0], "predicted");
    auto observed = tensorFromJs(info[1], "observed");
    requireReal(predicted.get(), "predicted");
    requireReal(observed.get(), "observed");
    const auto shape = tf::shapeOf(predicted.get());
    if (shape.empty()) throw ArgumentError("predicted: expected (groups, …), got a scalar");
    requireShape(tf::shapeOf(observed.get()), "observed", shape);
    return Napi::Number::New(env, tf::evaluatePoissonNll(predicted.get(), observed.get(), addonData(env).sessions));
  });
}

// vjp(op, cotangent, ...args of op): the gradient of <op(args), cotangent> with
// respect to op's first argument, through the hand-written far-field adjoint.
Napi::Value Vjp(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsString()) {
      throw ArgumentError("vjp(op, cotangent, ...args): op must be a string");
    }
    const auto op = info[0].As<Napi::String>().Utf8Value();
    auto cotangent = tensorFromJs(info[1], "cotangent");
    const auto& sessions = addonData(env).sessions;
    if (op == "forwardIntensity") {
      auto call = readForwardCall(info, 2);
      requireReal(cotangent.get(), "cotangent");
      requireShape(tf::shapeOf(cotangent.get()), "cotangent", tf::shapeOf(call.patches.get()));
      return tensorToJs(env, tf::forwardIntensityVjp(call.inputs, cotangent.get(), sessions));
    }
    if (op == "farField") {
      auto psi = readPsi(info[2]);
      requireComplex(cotangent.get(), "cotangent");
      requireShape(tf::shapeOf(cotangent.get()), "cotangent", tf::shapeOf(psi.get()));
      return tensorToJs(env, tf::farFieldVjp(psi.get(), cotangent.get(), sessions));
    }
    throw ArgumentError("vjp: unknown op '" + op + "' (the TensorFlow addon has forwardIntensity and farField)");
  });
}

}  // namespace

void registerPhysics(Napi::Env env, Napi::Object exports) {
  exports.Set("forwardIntensity", Napi::Function::New(env, ForwardIntensity, "forwardIntensity"));
  exports.Set("farField", Napi::Function::New(env, FarField, "farField"));
  exports.Set("poissonNll", Napi::Function::New(env, PoissonNll, "poissonNll"));
  exports.Set("vjp", Napi::Function::New(env, Vjp, "vjp"));
}

}  // namespace ptychopinn::tfaddon

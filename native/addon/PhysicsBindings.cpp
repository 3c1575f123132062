// JS entry points of the physics forward model (synchronous: these are small-array
// utilities for checking physics and for tests; training and inference call the
// same C++ functions on their own threads).
#include <torch/autograd.h>

#include <functional>

#include "addon/Args.h"
#include "addon/Guard.h"
#include "addon/JsTensor.h"
#include "addon/Registry.h"
#include "addon/SettingsFromJs.h"
#include "physics/ForwardModel.h"
#include "physics/GridSampleOps.h"
#include "physics/Losses.h"
#include "physics/ObjectPatches.h"
#include "physics/Probe.h"
#include "physics/ShiftOps.h"

namespace ptychopinn::addon {
namespace {

using physics::Translation;

// An op with its primal input separated from the rest, so the same reader serves
// the forward call and the vector-Jacobian product.
struct OpCall {
  torch::Tensor primal;
  std::function<torch::Tensor(const torch::Tensor&)> apply;
};

torch::Tensor readPositions(const Napi::Value& v, const std::string& name, int64_t B, int64_t C) {
  auto positions = tensorFromJs(v, name);
  if (C < 0 && positions.dim() == 3) C = positions.size(1);  // C free: take it from the positions
  requireReal(positions, name);
  requireShape(positions, name, {B, C, 2});
  requireFinite(positions, name);
  return positions.to(torch::kFloat64);
}

// patches (B, C, N, N) complex and probe (N, N) complex, probe cast to patches' dtype.
std::pair<torch::Tensor, torch::Tensor> readPatchesAndProbe(const Napi::CallbackInfo& info, size_t first) {
  auto patches = tensorFromJs(info[first], "patches");
  requireComplex(patches, "patches");
  requireShape(patches, "patches", {-1, -1, -1, -1});
  const int64_t N = patches.size(3);
  if (patches.size(2) != N)
    throw ArgumentError("patches: patterns must be square, got " + shapeString(patches.sizes()));
  auto probe = tensorFromJs(info[first + 2], "probe");
  requireComplex(probe, "probe");
  requireShape(probe, "probe", {N, N});
  return {patches, probe.to(patches.scalar_type())};
}

OpCall translateCall(const Napi::CallbackInfo& info, size_t first) {
  auto img = tensorFromJs(info[first], "img");
  if (img.dim() < 2)
    throw ArgumentError("img: expected at least 2 dimensions (…, H, W), got " + shapeString(img.sizes()));
  auto offsets = tensorFromJs(info[first + 1], "offsets");
  requireReal(offsets, "offsets");
  auto lead = img.sizes().slice(0, img.dim() - 2).vec();
  auto expected = lead;
  expected.push_back(2);
  requireShape(offsets, "offsets", expected);
  requireFinite(offsets, "offsets");
  auto options = forwardOptionsFromJs(optionsArg(info, first + 2));
  const int64_t H = img.size(-2), W = img.size(-1);
  auto flatOffsets = offsets.to(torch::kFloat64).reshape({-1, 2});
  auto shape = img.sizes().vec();
  return {img, [=](const torch::Tensor& x) {
            auto planes = x.reshape({-1, H, W});
            auto out = options.translation == Translation::Kernels
                           ? physics::translate(planes, flatOffsets)
                           : physics::gridsample::translate(planes, flatOffsets);
            return out.reshape(shape);
          }};
}

OpCall mergeCall(const Napi::CallbackInfo& info, size_t first) {
  auto [patches, probe] = readPatchesAndProbe(info, first);
  auto positions = readPositions(info[first + 1], "positions", patches.size(0), patches.size(1));
  auto options = forwardOptionsFromJs(optionsArg(info, first + 3));
  return {patches, [=](const torch::Tensor& x) { return physics::mergePatches(x, positions, probe, options); }};
}

OpCall extractCall(const Napi::CallbackInfo& info, size_t first) {
  auto merged = tensorFromJs(info[first], "merged");
  requireShape(merged, "merged", {-1, -1, -1});
  auto positions = readPositions(info[first + 1], "positions", merged.size(0), -1);
  const auto N = static_cast<int64_t>(numberArg(info, first + 2, "patchSize"));
  if (N < 1 || N > merged.size(-1)) {
    throw ArgumentError("patchSize: " + std::to_string(N) + " must be between 1 and the merged size " +
                        std::to_string(merged.size(-1)));
  }
  auto options = forwardOptionsFromJs(optionsArg(info, first + 3));
  return {merged, [=](const torch::Tensor& x) { return physics::extractPatches(x, positions, N, options); }};
}

OpCall forwardCall(const Napi::CallbackInfo& info, size_t first) {
  auto [patches, probe] = readPatchesAndProbe(info, first);
  auto positions = readPositions(info[first + 1], "positions", patches.size(0), patches.size(1));
  const double scale = numberArg(info, first + 3, "scale");
  if (!std::isfinite(scale)) throw ArgumentError("scale: must be finite");
  auto options = forwardOptionsFromJs(optionsArg(info, first + 4));
  auto scaleTensor = torch::tensor(scale, torch::TensorOptions().dtype(c10::toRealValueType(patches.scalar_type())));
  return {patches, [=](const torch::Tensor& x) {
            return physics::intensityOf(physics::forwardFarField(x, positions, probe, scaleTensor, options));
          }};
}

OpCall gatherPatchesCall(const Napi::CallbackInfo& info, size_t first) {
  auto object = tensorFromJs(info[first], "object");
  requireShape(object, "object", {-1, -1});
  auto corners = tensorFromJs(info[first + 1], "corners");
  requireReal(corners, "corners");
  requireShape(corners, "corners", {-1, 2});
  requireFinite(corners, "corners");
  const auto N = static_cast<int64_t>(numberArg(info, first + 2, "patchSize"));
  if (N < 1) throw ArgumentError("patchSize: must be at least 1");
  auto xy = corners.to(torch::kFloat64);
  return {object, [=](const torch::Tensor& x) { return physics::gatherPatches(x, xy, N); }};
}

using OpReader = OpCall (*)(const Napi::CallbackInfo&, size_t);

template <OpReader read>
Napi::Value Forward(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    torch::NoGradGuard noGrad;
    auto call = read(info, 0);
    return tensorToJs(env, call.apply(call.primal));
  });
}

// vjp(op, cotangent, ...args of op): the gradient of <op(args), cotangent> with
// respect to op's first argument, through the registered autograd functions.
Napi::Value Vjp(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsString())
      throw ArgumentError("vjp(op, cotangent, ...args): op must be a string");
    auto op = info[0].As<Napi::String>().Utf8Value();
    OpReader read = op == "translate"          ? translateCall
                    : op == "mergePatches"     ? mergeCall
                    : op == "extractPatches"   ? extractCall
                    : op == "forwardIntensity" ? forwardCall
                    : op == "gatherPatches"    ? gatherPatchesCall
                                               : nullptr;
    if (!read) throw ArgumentError("vjp: unknown op '" + op + "'");
    auto call = read(info, 2);
    auto x = call.primal.clone().requires_grad_(true);
    auto y = call.apply(x);
    auto cotangent = tensorFromJs(info[1], "cotangent");
    requireShape(cotangent, "cotangent", y.sizes().vec());
    auto grads = torch::autograd::grad({y}, {x}, {cotangent.to(y.scalar_type())});
    return tensorToJs(env, grads[0]);
  });
}

Napi::Value FarField(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    torch::NoGradGuard noGrad;
    auto psi = tensorFromJs(info[0], "psi");
    requireComplex(psi, "psi");
    if (psi.dim() < 2) throw ArgumentError("psi: expected (…, N, N), got " + shapeString(psi.sizes()));
    return tensorToJs(env, physics::farField(psi));
  });
}

// The data-fit losses take predicted and observed arrays of one shape (+ optional mask).
std::pair<torch::Tensor, torch::Tensor> readPair(const Napi::CallbackInfo& info) {
  auto predicted = tensorFromJs(info[0], "predicted");
  auto observed = tensorFromJs(info[1], "observed");
  requireReal(predicted, "predicted");
  requireReal(observed, "observed");
  requireShape(observed, "observed", predicted.sizes().vec());
  return {predicted, observed.to(predicted.scalar_type())};
}

torch::Tensor readMask(const Napi::CallbackInfo& info, size_t index, const torch::Tensor& like) {
  if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return {};
  auto mask = tensorFromJs(info[index], "mask");
  requireReal(mask, "mask");
  try {
    (void)torch::broadcast_tensors({mask, like});
  } catch (const std::exception&) {
    throw ArgumentError("mask: shape " + shapeString(mask.sizes()) + " does not broadcast to " +
                        shapeString(like.sizes()));
  }
  return mask;
}

Napi::Value PoissonNll(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto [predicted, observed] = readPair(info);
    if (predicted.dim() < 1) throw ArgumentError("predicted: expected a leading group dimension");
    return Napi::Number::New(env, physics::poissonNllReported(predicted, observed).item<double>());
  });
}

Napi::Value PoissonNllMean(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto [predicted, observed] = readPair(info);
    auto mask = readMask(info, 2, predicted);
    return Napi::Number::New(env, physics::poissonNllMean(predicted, observed, mask).item<double>());
  });
}

Napi::Value AmplitudeMae(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto [predicted, observed] = readPair(info);
    auto mask = readMask(info, 2, predicted);
    return Napi::Number::New(env, physics::amplitudeMae(predicted, observed, mask).item<double>());
  });
}

Napi::Value NormalizeProbe(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto probe = tensorFromJs(info[0], "probe");
    requireComplex(probe, "probe");
    requireShape(probe, "probe", {probe.size(0), probe.size(0)});
    const double probeScale = numberArg(info, 1, "probeScale");
    if (!(probeScale > 0)) throw ArgumentError("probeScale: must be > 0");
    return tensorToJs(env, physics::normalizeProbe(probe, probeScale));
  });
}

Napi::Value IntensityScale(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const double nphotons = numberArg(info, 0, "nphotons");
    const double N = numberArg(info, 1, "N");
    if (!(nphotons > 0)) throw ArgumentError("nphotons: must be > 0");
    return Napi::Number::New(env, physics::intensityScale(nphotons, static_cast<int64_t>(N)));
  });
}

}  // namespace

void registerPhysics(Napi::Env env, Napi::Object exports) {
  exports.Set("translate", Napi::Function::New(env, Forward<translateCall>, "translate"));
  exports.Set("mergePatches", Napi::Function::New(env, Forward<mergeCall>, "mergePatches"));
  exports.Set("extractPatches", Napi::Function::New(env, Forward<extractCall>, "extractPatches"));
  exports.Set("forwardIntensity", Napi::Function::New(env, Forward<forwardCall>, "forwardIntensity"));
  exports.Set("gatherPatches", Napi::Function::New(env, Forward<gatherPatchesCall>, "gatherPatches"));
  exports.Set("vjp", Napi::Function::New(env, Vjp, "vjp"));
  exports.Set("farField", Napi::Function::New(env, FarField, "farField"));
  exports.Set("poissonNll", Napi::Function::New(env, PoissonNll, "poissonNll"));
  exports.Set("poissonNllMean", Napi::Function::New(env, PoissonNllMean, "poissonNllMean"));
  exports.Set("amplitudeMae", Napi::Function::New(env, AmplitudeMae, "amplitudeMae"));
  exports.Set("normalizeProbe", Napi::Function::New(env, NormalizeProbe, "normalizeProbe"));
  exports.Set("intensityScale", Napi::Function::New(env, IntensityScale, "intensityScale"));
}

}  // namespace ptychopinn::addon

// Timing loops for `npm run bench`, run natively so that JS copies do not blur
// the comparison between the custom kernels and LibTorch's grid_sample.
#include <chrono>

#include "addon/Args.h"
#include "addon/Guard.h"
#include "addon/JsTensor.h"
#include "addon/Registry.h"
#include "physics/ForwardModel.h"
#include "physics/GridSampleOps.h"
#include "physics/Losses.h"

namespace ptychopinn::addon {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

physics::ForwardOptions benchOptions(const Napi::Object& o) {
  physics::ForwardOptions options;
  options.objectBig = boolOption(o, "objectBig", true);
  options.weighting = physics::parseWeighting(stringOption(o, "weighting", "central_mask"));
  options.paddedSize = intOption(o, "paddedSize", 0);
  options.translation = stringOption(o, "translation", "kernels") == "grid_sample" ? physics::Translation::GridSample
                                                                                   : physics::Translation::Kernels;
  return options;
}

// physicsStep(patches, positions, probe, scale, observed, options, iterations) ->
// seconds per forward + backward of merge → extract → illuminate → far field → Poisson.
Napi::Value PhysicsStep(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto patches = tensorFromJs(info[0], "patches");
    auto positions = tensorFromJs(info[1], "positions").to(torch::kFloat64);
    auto probe = tensorFromJs(info[2], "probe");
    auto scale = torch::tensor(numberArg(info, 3, "scale"));
    auto observed = tensorFromJs(info[4], "observed");
    auto options = benchOptions(optionsArg(info, 5));
    const auto iterations = static_cast<int>(numberArg(info, 6, "iterations"));
    auto step = [&] {
      auto x = patches.detach().requires_grad_(true);
      auto intensity = physics::intensityOf(physics::forwardFarField(x, positions, probe, scale, options));
      physics::poissonNllMean(intensity, observed, {}).backward();
    };
    step();  // warm-up: first-call allocations and FFT plans
    auto start = Clock::now();
    for (int i = 0; i < iterations; ++i) step();
    return Napi::Number::New(env, secondsSince(start) / iterations);
  });
}

// gridSampleStitch(patches (M, n, n), centres (M, 2) [x, y], crop, height, width, chunk)
// -> seconds: PtychoPINN's stitching, each crop padded into the full canvas and
// shifted there with grid_sample (cost ∝ patches × canvas area), `chunk` at a time.
Napi::Value GridSampleStitch(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    torch::NoGradGuard noGrad;
    auto patches = tensorFromJs(info[0], "patches");
    auto centres = tensorFromJs(info[1], "centres").to(torch::kFloat64);
    const auto crop = static_cast<int64_t>(numberArg(info, 2, "crop"));
    const auto H = static_cast<int64_t>(numberArg(info, 3, "height"));
    const auto W = static_cast<int64_t>(numberArg(info, 4, "width"));
    const auto chunk = static_cast<int64_t>(numberArg(info, 5, "chunk"));
    const int64_t M = patches.size(0), n = patches.size(1), margin = (n - crop) / 2;
    const int64_t top = H / 2 - crop / 2, left = W / 2 - crop / 2;
    auto crops = patches.narrow(1, margin, crop).narrow(2, margin, crop);
    auto canvas = torch::zeros({H, W}, patches.options());
    auto weight = torch::zeros({H, W}, torch::kFloat32);
    auto start = Clock::now();
    for (int64_t first = 0; first < M; first += chunk) {
      const int64_t count = std::min(chunk, M - first);
      auto planes = torch::zeros({count, H, W}, patches.options());
      planes.narrow(1, top, crop).narrow(2, left, crop).copy_(crops.narrow(0, first, count));
      auto ones = torch::zeros({count, H, W}, torch::kFloat32);
      ones.narrow(1, top, crop).narrow(2, left, crop).fill_(1);
      auto offsets = centres.narrow(0, first, count) - torch::tensor({W / 2.0, H / 2.0}, torch::kFloat64);
      canvas += physics::gridsample::translate(planes, offsets).sum(0);
      weight += physics::gridsample::translate(ones, offsets).sum(0);
    }
    auto object = canvas / (weight + 1e-9);
    (void)object;
    return Napi::Number::New(env, secondsSince(start));
  });
}

}  // namespace

void registerBenchmarks(Napi::Env env, Napi::Object exports) {
  auto bench = Napi::Object::New(env);
  bench.Set("physicsStep", Napi::Function::New(env, PhysicsStep, "physicsStep"));
  bench.Set("gridSampleStitch", Napi::Function::New(env, GridSampleStitch, "gridSampleStitch"));
  exports.Set("bench", bench);
}

}  // namespace ptychopinn::addon

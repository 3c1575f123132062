#include "physics/PhysicsOptions.h"

#include <cmath>

#include "common/Errors.h"

namespace ptychopinn::physics {

Weighting parseWeighting(const std::string& name) {
  if (name == "probe") return Weighting::Probe;
  if (name == "central_mask") return Weighting::CentralMask;
  if (name == "uniform") return Weighting::Uniform;
  throw ArgumentError("weighting: unknown value '" + name + "' (expected probe, central_mask or uniform)");
}

Translation parseTranslation(const std::string& name) {
  if (name == "kernels") return Translation::Kernels;
  if (name == "grid_sample") return Translation::GridSample;
  throw ArgumentError("translation: unknown value '" + name + "' (expected kernels or grid_sample)");
}

int64_t defaultPaddedSize(int64_t N, int64_t C) {
  const auto g = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(C))));
  if (g * g != C) {
    throw ArgumentError("paddedSize: no default for C = " + std::to_string(C) +
                        " patches per group (not gridsize²); pass paddedSize explicitly");
  }
  constexpr int64_t kOffset = 4, kMaxPositionJitter = 10;
  return N + (g - 1) * kOffset + kMaxPositionJitter;
}

int64_t resolvePaddedSize(const ForwardOptions& options, int64_t N, int64_t C) {
  if (options.paddedSize == 0) return defaultPaddedSize(N, C);
  if (options.paddedSize < N) {
    throw ArgumentError("paddedSize: " + std::to_string(options.paddedSize) +
                        " is smaller than the patch size N = " + std::to_string(N));
  }
  return options.paddedSize;
}

}  // namespace ptychopinn::physics

// The settings of the physics forward model (reference §3) that every engine reads
// the same way: merge weighting, translation, padded size. Free of any tensor
// library, so the LibTorch and the TensorFlow engines share them.
#pragma once
#include <cstdint>
#include <string>

namespace ptychopinn::physics {

enum class Weighting { Probe, CentralMask, Uniform };
enum class Translation { Kernels, GridSample };

Weighting parseWeighting(const std::string& name);
Translation parseTranslation(const std::string& name);

struct ForwardOptions {
  bool objectBig = false;
  Weighting weighting = Weighting::CentralMask;
  int64_t paddedSize = 0;  // 0: the reference default for N and C
  Translation translation = Translation::Kernels;
};

// Np = N + (g - 1)·4 + 10 with g = sqrt(C) (reference §3); throws if C is not a square.
int64_t defaultPaddedSize(int64_t N, int64_t C);
int64_t resolvePaddedSize(const ForwardOptions& options, int64_t N, int64_t C);

// Below these sums the overlap has no support and the merged object is zero (§3).
constexpr double kSupportThreshold = 1e-6;
constexpr double kDenominatorFloor = 1e-12;
constexpr double kCentralMaskEpsilon = 1e-3;

}  // namespace ptychopinn::physics

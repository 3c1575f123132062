#include "physics/ForwardModel.h"

#include <torch/fft.h>

#include <cmath>

#include "physics/GridSampleOps.h"
#include "physics/ShiftOps.h"

namespace ptychopinn::physics {
namespace {

torch::Tensor padShiftWith(Translation t, const torch::Tensor& x, const torch::Tensor& positions, int64_t Np) {
  return t == Translation::Kernels ? padShift(x, positions, Np) : gridsample::padShift(x, positions, Np);
}

// The merge weights w (N, N), real: |P|² or the central N/2 × N/2 window.
torch::Tensor mergeWeights(Weighting weighting, const torch::Tensor& probe, int64_t N) {
  if (weighting == Weighting::Probe) return torch::abs(probe).square();
  auto options = torch::TensorOptions().dtype(c10::toRealValueType(probe.scalar_type())).device(probe.device());
  auto window = torch::zeros({N, N}, options);
  window.narrow(0, N / 4, N / 2).narrow(1, N / 4, N / 2).fill_(1);
  return window;
}

}  // namespace

torch::Tensor mergePatches(const torch::Tensor& patches, const torch::Tensor& positions, const torch::Tensor& probe,
                           const ForwardOptions& options) {
  const int64_t B = patches.size(0), C = patches.size(1), N = patches.size(-1);
  const int64_t Np = resolvePaddedSize(options, N, C);
  // The weights shape the average but are not learned through it: the support mask
  // and normaliser are constants of the scan geometry (and of the probe).
  auto weights = mergeWeights(options.weighting, probe.detach(), N);
  // §3: the patch and its weight are translated separately and multiplied afterwards;
  // translating the product instead differs at sub-pixel offsets (~0.5 % in intensity).
  torch::Tensor shiftedWeights;
  {
    torch::NoGradGuard noGrad;
    shiftedWeights = padShiftWith(options.translation, weights.expand({B, C, N, N}).contiguous(), positions, Np);
  }
  auto numerator = (padShiftWith(options.translation, patches, positions, Np) * shiftedWeights).sum(1);
  auto denominator = shiftedWeights.sum(1);
  switch (options.weighting) {
    case Weighting::Probe: {
      // Threshold relative to each group's own maximum, so a group's result does not
      // depend on the other groups in its batch.
      auto support = denominator > denominator.amax({-2, -1}, true) * kSupportThreshold;
      return numerator * support / denominator.clamp_min(kDenominatorFloor);
    }
    case Weighting::Uniform:
      return numerator * (denominator > kSupportThreshold) / denominator.clamp_min(kDenominatorFloor);
    case Weighting::CentralMask:
      return numerator * (denominator > kSupportThreshold) / (denominator + kCentralMaskEpsilon);
  }
  throw std::logic_error("unhandled weighting");
}

torch::Tensor extractPatches(const torch::Tensor& merged, const torch::Tensor& positions, int64_t patchSize,
                             const ForwardOptions& options) {
  return options.translation == Translation::Kernels ? extract(merged, positions, patchSize)
                                                     : gridsample::extract(merged, positions, patchSize);
}

torch::Tensor farField(const torch::Tensor& psi) {
  return torch::fft::fftshift(torch::fft::fft2(psi, c10::nullopt, {-2, -1}, "ortho"), std::vector<int64_t>{-2, -1});
}

torch::Tensor overlapConstraint(const torch::Tensor& patches, const torch::Tensor& positions,
                                const torch::Tensor& probe, const ForwardOptions& options) {
  if (!options.objectBig) return patches;
  auto merged = mergePatches(patches, positions, probe, options);
  return extractPatches(merged, positions, patches.size(-1), options);
}

torch::Tensor forwardFarField(const torch::Tensor& patches, const torch::Tensor& positions, const torch::Tensor& probe,
                              const torch::Tensor& scale, const ForwardOptions& options) {
  auto object = overlapConstraint(patches, positions, probe, options);
  return farField(object * probe * scale);
}

torch::Tensor intensityOf(const torch::Tensor& field) { return torch::view_as_real(field).square().sum(-1); }

}  // namespace ptychopinn::physics

#include "physics/Probe.h"

#include <cmath>

namespace ptychopinn::physics {

torch::Tensor normalizeProbe(const torch::Tensor& probe, double probeScale) {
  const int64_t N = probe.size(-1);
  auto options = torch::TensorOptions().dtype(torch::kFloat64).device(probe.device());
  auto coords = torch::arange(N, options) - static_cast<double>(N / 2);
  auto r2 = coords.view({N, 1}).square() + coords.view({1, N}).square();
  auto disk = (r2 <= static_cast<double>(N * N) / 16.0).to(c10::toRealValueType(probe.scalar_type()));
  auto meanAbs = torch::abs(probe * disk).mean();
  return probe / (meanAbs * probeScale);
}

double intensityScale(double nphotons, int64_t N) { return std::sqrt(nphotons) / (static_cast<double>(N) / 2.0); }

}  // namespace ptychopinn::physics

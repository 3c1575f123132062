// Probe normalisation and intensity scale (reference §5).
#pragma once
#include <torch/types.h>

namespace ptychopinn::physics {

// P / (probeScale · mean over all N² pixels of |D·P|), D the closed disk of radius
// N/4 centred at pixel (N/2, N/2).
torch::Tensor normalizeProbe(const torch::Tensor& probe, double probeScale);

// s = sqrt(nphotons) / (N/2).
double intensityScale(double nphotons, int64_t N);

}  // namespace ptychopinn::physics

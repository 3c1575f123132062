// Patches cut from a whole object at sub-pixel places (bilinear, zero outside), with
// the scatter-add adjoint as their backward: what object refinement differentiates.
#pragma once
#include <torch/types.h>

namespace ptychopinn::physics {

// object (H, W) complex; corners (M, 2) float64 [x, y], the object coordinate of each
// patch's pixel (0, 0). Returns (M, N, N): patch m pixel (j, i) = object(y_m + j, x_m + i).
torch::Tensor gatherPatches(const torch::Tensor& object, const torch::Tensor& corners, int64_t patchSize);

}  // namespace ptychopinn::physics

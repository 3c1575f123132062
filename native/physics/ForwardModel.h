// The PtychoPINN physics forward model (reference §3): overlap merge/extract,
// illumination, far field. Autograd flows to the object patches (and to the probe
// and scale when they require grad).
#pragma once
#include <torch/types.h>

#include "physics/PhysicsOptions.h"

namespace ptychopinn::physics {

// patches (B, C, N, N) complex, positions (B, C, 2) [x, y], probe (N, N) complex.
torch::Tensor mergePatches(const torch::Tensor& patches, const torch::Tensor& positions, const torch::Tensor& probe,
                           const ForwardOptions& options);
torch::Tensor extractPatches(const torch::Tensor& merged, const torch::Tensor& positions, int64_t patchSize,
                             const ForwardOptions& options);

// fftshift(fft2(psi, norm='ortho')) over the last two dimensions.
torch::Tensor farField(const torch::Tensor& psi);

// The object each pattern sees: merge-then-extract when objectBig, else the patches.
torch::Tensor overlapConstraint(const torch::Tensor& patches, const torch::Tensor& positions,
                                const torch::Tensor& probe, const ForwardOptions& options);

// fftshift(fft2(scale · probe · O', ortho)) of the constrained object O', (B, C, N, N) complex.
torch::Tensor forwardFarField(const torch::Tensor& patches, const torch::Tensor& positions, const torch::Tensor& probe,
                              const torch::Tensor& scale, const ForwardOptions& options);

// |F|² computed as re² + im² (exact for the parity cases; no square root round trip).
torch::Tensor intensityOf(const torch::Tensor& farField);

}  // namespace ptychopinn::physics

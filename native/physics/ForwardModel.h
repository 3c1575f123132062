// The PtychoPINN physics forward model (reference §3): overlap merge/extract,
// illumination, far field. Autograd flows to the object patches (and to the probe
// and scale when they require grad).
#pragma once
#include <torch/types.h>

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

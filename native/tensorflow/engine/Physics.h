// The PtychoPINN physics (reference §2–4) as TensorFlow graph ops with gradients:
// bilinear translation as products with interpolation matrices, the overlap merge
// with each weighting and the extraction, illumination, the far field and the
// losses. Complex fields are carried as their real and imaginary parts, except
// through the FFT. Patches are (B, C, N, N); positions (B, C, 2) [x, y] pixels.
#pragma once
#include "physics/PhysicsOptions.h"
#include "tensorflow/engine/Graph.h"

namespace ptychopinn::tf {

struct ComplexParts {
  Output re, im;
};

// How one forward-model graph is laid out: patch size, patches per group, merge.
struct ForwardGeometry {
  int64_t N;
  int64_t C;
  physics::ForwardOptions options;
  TF_DataType real;  // TF_FLOAT or TF_DOUBLE
};

// The object each pattern sees (§3): merge-then-extract when options.objectBig,
// else the patches. `probe` is (N, N); the merge weights do not carry gradients.
ComplexParts overlapConstraint(Graph& g, const ComplexParts& patches, Output positions, const ComplexParts& probe,
                               const ForwardGeometry& geometry);

// patches (B, C, N, N) -> merged (B, Np, Np), and merged -> patches (B, C, N, N).
ComplexParts mergePatches(Graph& g, const ComplexParts& patches, Output positions, const ComplexParts& probe,
                          const ForwardGeometry& geometry);
ComplexParts extractPatches(Graph& g, const ComplexParts& merged, Output positions, const ForwardGeometry& geometry);

// F = fftshift(fft2(psi, norm='ortho')) over the last two axes. FFT2D has no
// gradient in TensorFlow's registry; farFieldGradients() (FarFieldGradients.h)
// backpropagates through it by its adjoint.
struct FarField {
  int64_t N;
  Output psi;          // complex, the FFT's input
  Output raw;          // FFT2D(psi), complex
  ComplexParts field;  // F
};
FarField farField(Graph& g, const ComplexParts& psi, int64_t N);

// |F|² as re² + im².
Output intensityOf(Graph& g, const FarField& farField);
// |F| = sqrt(|F|²), with the gradient F/|F| and 0 where F = 0 (as LibTorch's abs).
Output amplitudeOf(Graph& g, Output intensity);

// Training losses (§4): means over the pixels `mask` (N, N; 1 = good) marks good.
Output poissonNllMean(Graph& g, Output predicted, Output observed, Output mask);
Output amplitudeMae(Graph& g, Output predicted, Output observed, Output mask);
// Reported Poisson value: per group Σ (I − I_obs·log I + lgamma(I_obs + 1)), mean over groups, float64.
Output poissonNllReported(Graph& g, Output predicted, Output observed);

// Between complex tensors and their parts with ops whose gradients hold in both
// precisions: the registry's gradients of Real, Imag and Complex build complex64
// whatever the input, which breaks complex128 graphs.
Output realPart(Graph& g, Output z);
Output imagPart(Graph& g, Output z);
Output complexOf(Graph& g, const ComplexParts& parts);

ComplexParts complexProduct(Graph& g, const ComplexParts& a, const ComplexParts& b);
ComplexParts scaled(Graph& g, const ComplexParts& a, Output factor);

}  // namespace ptychopinn::tf

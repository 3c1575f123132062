// The physics graphs evaluated once, outside any model: for checking the TensorFlow
// engine's physics against the frozen parity cases and its hand-written far-field
// adjoint against finite differences. Each call builds a small graph and session;
// complex inputs are complex64 or complex128 (the precision they are computed in),
// real ones float32 or float64.
#pragma once
#include "physics/PhysicsOptions.h"
#include "tensorflow/engine/SessionConfig.h"
#include "tensorflow/engine/Tensors.h"

namespace ptychopinn::tf {

struct ForwardInputs {
  const TF_Tensor* patches;    // (B, C, N, N) complex
  const TF_Tensor* positions;  // (B, C, 2) [x, y]
  const TF_Tensor* probe;      // (N, N) complex
  double scale;
  physics::ForwardOptions options;
};

// |fftshift(fft2(scale·probe·O', ortho))|², (B, C, N, N), real of the patches' precision.
TensorPtr evaluateForwardIntensity(const ForwardInputs& inputs, const SessionConfig& session);
// Gradient with respect to the patches of ⟨evaluateForwardIntensity, cotangent⟩.
TensorPtr forwardIntensityVjp(const ForwardInputs& inputs, const TF_Tensor* cotangent, const SessionConfig& session);

// fftshift(fft2(psi, ortho)) over the last two axes of psi (…, N, N) complex.
TensorPtr evaluateFarField(const TF_Tensor* psi, const SessionConfig& session);
// Gradient with respect to psi of Σ Re(conj(cotangent)·evaluateFarField(psi)).
TensorPtr farFieldVjp(const TF_Tensor* psi, const TF_Tensor* cotangent, const SessionConfig& session);

// Reported Poisson value (reference §4) of predicted against observed (B, …), float64.
double evaluatePoissonNll(const TF_Tensor* predicted, const TF_Tensor* observed, const SessionConfig& session);

}  // namespace ptychopinn::tf

// Gradients through the far field. TensorFlow's gradient registry (the one
// TF_AddGradients uses) has no gradient for FFT2D, so backpropagation runs in
// three stages: TF_AddGradients from the loss to the FFT's output; the FFT's adjoint
// written by hand (for F = FFT2D(ψ), ∂L/∂ψ = N²·IFFT2D(∂L/∂F), TensorFlow's
// conjugate convention for complex gradients); TF_AddGradients from ψ to the
// parameters. The objective must reach the parameters only through ψ, which holds
// for PtychoPINN: every weight acts on the object or the scale before the FFT.
#pragma once
#include <vector>

#include "tensorflow/engine/Graph.h"
#include "tensorflow/engine/Physics.h"

namespace ptychopinn::tf {

// ∂`loss`/∂`inputs`, each input reaching the loss only through `farField.psi`.
std::vector<Output> farFieldGradients(Graph& g, Output loss, const FarField& farField,
                                      const std::vector<Output>& inputs);

// The hand-written adjoint alone: the gradient with respect to ψ of a loss whose
// gradient with respect to FFT2D(ψ) is `gradient` (complex, (…, N, N)).
Output fft2dAdjoint(Graph& g, Output gradient, int64_t N);

}  // namespace ptychopinn::tf

#include "tensorflow/engine/FarFieldGradients.h"

#include "tensorflow/engine/Status.h"

namespace ptychopinn::tf {
namespace {

// TF_AddGradients with a fresh status (with an error already in it, it crashes).
std::vector<Output> addGradients(Graph& g, Output y, const std::vector<Output>& x, const Output* dy) {
  std::vector<Output> dx(x.size());
  Status status;
  TF_AddGradients(g.get(), &y, 1, const_cast<Output*>(x.data()), static_cast<int>(x.size()), const_cast<Output*>(dy),
                  status.get(), dx.data());
  status.check("gradients");
  return dx;
}

}  // namespace

Output fft2dAdjoint(Graph& g, Output gradient, int64_t N) {
  auto scope = g.scope("fft2d_adjoint");
  const auto squared = static_cast<double>(N) * static_cast<double>(N);
  return g.mul(g.op("IFFT2D").input(gradient).output(), g.scalar(squared, Graph::typeOf(gradient)));
}

std::vector<Output> farFieldGradients(Graph& g, Output loss, const FarField& farField,
                                      const std::vector<Output>& inputs) {
  const auto dRaw = addGradients(g, loss, {farField.raw}, nullptr);
  const auto dPsi = fft2dAdjoint(g, dRaw[0], farField.N);
  return addGradients(g, farField.psi, inputs, &dPsi);
}

}  // namespace ptychopinn::tf

#include "physics/Losses.h"

namespace ptychopinn::physics {
namespace {

torch::Tensor maskedMean(const torch::Tensor& values, const torch::Tensor& mask) {
  if (!mask.defined()) return values.mean();
  auto weights = mask.to(values.scalar_type()).expand_as(values);
  return (values * weights).sum() / weights.sum().clamp_min(1);
}

}  // namespace

// Keeps log() finite where a predicted intensity is exactly zero; far below one
// photon, so it does not bias the fit.
constexpr double kIntensityFloor = 1e-12;

torch::Tensor poissonNllMean(const torch::Tensor& predicted, const torch::Tensor& observed, const torch::Tensor& mask) {
  return maskedMean(predicted - observed * torch::log(predicted.clamp_min(kIntensityFloor)), mask);
}

torch::Tensor poissonNllReported(const torch::Tensor& predicted, const torch::Tensor& observed) {
  auto p = predicted.to(torch::kFloat64), o = observed.to(torch::kFloat64);
  auto terms = p - o * torch::log(p) + torch::lgamma(o + 1);
  return terms.reshape({terms.size(0), -1}).sum(1).mean();
}

torch::Tensor amplitudeMae(const torch::Tensor& predicted, const torch::Tensor& observed, const torch::Tensor& mask) {
  return maskedMean(torch::abs(predicted - observed), mask);
}

}  // namespace ptychopinn::physics

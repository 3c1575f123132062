#include "model/PtychoPINN.h"

#include <cmath>

#include "physics/ForwardModel.h"
#include "physics/Losses.h"

namespace ptychopinn::model {

PtychoPINNImpl::PtychoPINNImpl(const ModelConfig& config, const torch::Tensor& probe) : config_(config) {
  checkInvariants(config);
  network_ = register_module("network", Network(config));
  logScale_ =
      register_parameter("log_scale", torch::tensor({std::log(config.intensityScale)}), config.intensityScaleTrainable);
  auto realImag = torch::view_as_real(probe.to(torch::kComplexFloat)).clone();
  probeRealImag_ = config.probeTrainable ? register_parameter("probe", realImag) : register_buffer("probe", realImag);
}

torch::Tensor PtychoPINNImpl::probe() const { return torch::view_as_complex(probeRealImag_); }

double PtychoPINNImpl::trainedIntensityScale() const { return std::exp(logScale_.item<double>()); }

torch::Tensor PtychoPINNImpl::objectPatches(const torch::Tensor& amplitudes) {
  return network_->forward(amplitudes * (config_.intensityScale / torch::exp(logScale_)));
}

LossParts PtychoPINNImpl::objective(const torch::Tensor& amplitudes, const torch::Tensor& positions,
                                    const torch::Tensor& mask) {
  physics::ForwardOptions options;
  options.objectBig = config_.objectBig;
  options.weighting = config_.trainingPatchWeighting;
  options.paddedSize = config_.paddedSize;
  options.translation = config_.translation;
  auto patches = objectPatches(amplitudes);
  auto field = physics::forwardFarField(patches, positions, probe(), torch::exp(logScale_), options);
  auto observed = amplitudes * config_.intensityScale;  // s·X: photon-unit amplitudes
  LossParts parts;
  auto zero = torch::zeros({}, amplitudes.options());
  parts.nll = zero;
  parts.mae = zero;
  if (config_.nllWeight > 0) parts.nll = physics::poissonNllMean(physics::intensityOf(field), observed.square(), mask);
  if (config_.maeWeight > 0) parts.mae = physics::amplitudeMae(torch::abs(field), observed, mask);
  parts.total = parts.nll * config_.nllWeight + parts.mae * config_.maeWeight;
  return parts;
}

}  // namespace ptychopinn::model

#include "model/ModelConfig.h"

#include <cmath>

#include "common/Errors.h"

namespace ptychopinn::model {

Activation parseActivation(const std::string& name) {
  if (name == "sigmoid") return Activation::Sigmoid;
  if (name == "swish" || name == "silu") return Activation::Swish;
  if (name == "softplus") return Activation::Softplus;
  if (name == "relu") return Activation::Relu;
  throw ArgumentError("amp_activation: unknown value '" + name + "' (expected sigmoid, swish, softplus or relu)");
}

void checkInvariants(const ModelConfig& c) {
  auto broken = [](const std::string& what) {
    throw std::logic_error("internal error: " + what + " (the configuration schema should have refused it)");
  };
  if (c.N < 32 || (c.N & (c.N - 1)) != 0) broken("N = " + std::to_string(c.N) + " is not a power of two >= 32");
  if (c.gridsize < 1) broken("gridsize = " + std::to_string(c.gridsize));
  if (c.gridsize > 1 && !c.objectBig) broken("gridsize > 1 without object_big");
  if (c.nFiltersScale < 1) broken("n_filters_scale = " + std::to_string(c.nFiltersScale));
  if (!(c.intensityScale > 0) || !std::isfinite(c.intensityScale)) broken("intensity scale not finite and > 0");
  if (!(c.nllWeight >= 0) || !(c.maeWeight >= 0) || c.nllWeight + c.maeWeight == 0) broken("loss weights");
}

}  // namespace ptychopinn::model

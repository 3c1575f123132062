#include "model/ModelConfig.h"

#include <cmath>

#include "common/Guard.h"

namespace ptychopinn::model {

Activation parseActivation(const std::string& name) {
  if (name == "sigmoid") return Activation::Sigmoid;
  if (name == "swish" || name == "silu") return Activation::Swish;
  if (name == "softplus") return Activation::Softplus;
  if (name == "relu") return Activation::Relu;
  throw ArgumentError("amp_activation: unknown value '" + name + "' (expected sigmoid, swish, softplus or relu)");
}

void validate(const ModelConfig& c) {
  if (c.N < 32 || (c.N & (c.N - 1)) != 0) {
    throw ArgumentError("N: " + std::to_string(c.N) + " is not a power of two >= 32 (e.g. 32, 64, 128, 256)");
  }
  if (c.gridsize < 1 || c.gridsize > 8) {
    throw ArgumentError("gridsize: " + std::to_string(c.gridsize) + " is outside 1..8");
  }
  if (c.gridsize > 1 && !c.objectBig) {
    throw ArgumentError("gridsize: " + std::to_string(c.gridsize) +
                        " needs object_big = true (each pattern of a group gets its own patch)");
  }
  if (c.nFiltersScale < 1 || c.nFiltersScale > 16) {
    throw ArgumentError("n_filters_scale: " + std::to_string(c.nFiltersScale) + " is outside 1..16");
  }
  if (!(c.intensityScale > 0) || !std::isfinite(c.intensityScale)) {
    throw ArgumentError("intensity_scale: must be a finite number > 0");
  }
  if (!(c.nllWeight >= 0) || !(c.maeWeight >= 0) || c.nllWeight + c.maeWeight == 0) {
    throw ArgumentError("nll_weight, mae_weight: must be >= 0 and not both 0");
  }
}

}  // namespace ptychopinn::model

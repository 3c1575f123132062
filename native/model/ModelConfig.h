// Model configuration, parsed from JS on the JS thread into this plain struct (the
// "baton"): native code never reads JS objects off the main thread, and nothing is
// global — every function takes the config it needs.
#pragma once
#include <cstdint>
#include <string>

#include "physics/PhysicsOptions.h"

namespace ptychopinn::model {

enum class Activation { Sigmoid, Swish, Softplus, Relu };

struct ModelConfig {
  int64_t N = 64;
  int64_t gridsize = 1;
  int64_t nFiltersScale = 2;
  bool objectBig = true;
  bool probeBig = true;
  bool padObject = true;
  Activation ampActivation = Activation::Sigmoid;
  bool intensityScaleTrainable = true;
  bool probeTrainable = false;
  // s = sqrt(nphotons) / (N/2): log_scale starts at log(s) (reference §5).
  double intensityScale = 1.0;
  double nllWeight = 1.0;
  double maeWeight = 0.0;
  physics::Weighting trainingPatchWeighting = physics::Weighting::CentralMask;
  int64_t paddedSize = 0;  // 0: the reference default
  // grid_sample: the baseline built only from LibTorch ops, for benchmarks.
  physics::Translation translation = physics::Translation::Kernels;
  uint64_t seed = 0;  // weight initialisation
  // bfloat16 convolutions (LibTorch engine, CPU; the TensorFlow engine refuses it).
  bool bfloat16 = false;

  int64_t channels() const { return gridsize * gridsize; }
  // Object patches the network predicts per group: C with object_big, else 1.
  int64_t outputChannels() const { return objectBig ? channels() : 1; }
};

Activation parseActivation(const std::string& name);

// The configuration schema (lib/config/schema.ts) validates every field; this only
// asserts what the engine relies on, throwing std::logic_error ("internal error").
void checkInvariants(const ModelConfig& config);

}  // namespace ptychopinn::model

#include "addon/ConfigFromJs.h"

#include <torch/cuda.h>

#include <regex>

#include "addon/Args.h"
#include "addon/Guard.h"

namespace ptychopinn::addon {

model::ModelConfig modelConfigFromJs(const Napi::Object& o) {
  const CompleteObject fields(o, "model config");
  model::ModelConfig c;
  c.N = fields.integer("N");
  c.gridsize = fields.integer("gridsize");
  c.nFiltersScale = fields.integer("nFiltersScale");
  c.objectBig = fields.boolean("objectBig");
  c.probeBig = fields.boolean("probeBig");
  c.padObject = fields.boolean("padObject");
  c.ampActivation = model::parseActivation(fields.string("ampActivation"));
  c.intensityScaleTrainable = fields.boolean("intensityScaleTrainable");
  c.probeTrainable = fields.boolean("probeTrainable");
  c.intensityScale = fields.number("intensityScale");
  c.nllWeight = fields.number("nllWeight");
  c.maeWeight = fields.number("maeWeight");
  c.trainingPatchWeighting = physics::parseWeighting(fields.string("trainingPatchWeighting"));
  c.paddedSize = fields.integer("paddedSize");
  c.seed = static_cast<uint64_t>(fields.integer("seed"));
  c.translation = physics::parseTranslation(fields.string("translation"));
  model::checkInvariants(c);
  return c;
}

training::TrainOptions trainOptionsFromJs(const Napi::Object& o) {
  const CompleteObject fields(o, "training settings");
  training::TrainOptions t;
  t.epochs = fields.integer("epochs");
  t.batchSize = fields.integer("batchSize");
  t.learningRate = fields.number("learningRate");
  t.validationFraction = fields.number("validationFraction");
  t.plateauPatience = fields.integer("plateauPatience");
  t.plateauFactor = fields.number("plateauFactor");
  t.minLearningRate = fields.number("minLearningRate");
  t.earlyStoppingPatience = fields.integer("earlyStoppingPatience");
  t.checkpointEvery = fields.integer("checkpointEvery");
  t.seed = static_cast<uint64_t>(fields.integer("seed"));
  training::checkInvariants(t);
  return t;
}

ResolvedDevice resolveDevice(const std::string& name) {
  if (name == "cpu") return {torch::kCPU, false};
  const bool usable = PTYCHOPINN_WITH_CUDA && torch::cuda::is_available();
  if (name == "auto")
    return usable ? ResolvedDevice{torch::Device(torch::kCUDA, 0), false} : ResolvedDevice{torch::kCPU, true};
  static const std::regex cudaPattern("^cuda(:([0-9]+))?$");
  std::smatch match;
  if (!std::regex_match(name, match, cudaPattern)) {
    throw ArgumentError("device: unknown value '" + name + "' (expected cpu, cuda, cuda:N or auto)");
  }
  if (!PTYCHOPINN_WITH_CUDA) {
    throw ArgumentError("device: '" + name +
                        "' requested, but this addon was built without CUDA kernels (rebuild with a CUDA LibTorch "
                        "and PTYCHOPINN_CUDA=on, or use device 'cpu' / 'auto')");
  }
  if (!usable) throw ArgumentError("device: '" + name + "' requested, but LibTorch sees no CUDA device");
  const int index = match[2].matched ? std::stoi(match[2].str()) : 0;
  if (index >= static_cast<int>(torch::cuda::device_count())) {
    throw ArgumentError("device: '" + name + "' requested, but only " + std::to_string(torch::cuda::device_count()) +
                        " CUDA device(s) exist");
  }
  return {torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index)), false};
}

}  // namespace ptychopinn::addon

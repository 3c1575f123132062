#include "model/ConfigFromJs.h"

#include <torch/cuda.h>

#include <cmath>
#include <regex>

#include "common/Args.h"
#include "common/Guard.h"

namespace ptychopinn::model {
namespace {

int64_t integerField(const Napi::Object& o, const char* key, const char* field, int64_t fallback) {
  auto v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : std::nan("");
  if (!std::isfinite(d) || d != std::floor(d)) {
    throw ArgumentError(std::string(field) + ": expected an integer, got " + v.ToString().Utf8Value());
  }
  return static_cast<int64_t>(d);
}

double numberField(const Napi::Object& o, const char* key, const char* field, double fallback) {
  auto v = o.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) throw ArgumentError(std::string(field) + ": expected a number");
  return v.As<Napi::Number>().DoubleValue();
}

}  // namespace

ModelConfig modelConfigFromJs(const Napi::Object& o) {
  ModelConfig c;
  c.N = integerField(o, "N", "N", c.N);
  c.gridsize = integerField(o, "gridsize", "gridsize", c.gridsize);
  c.nFiltersScale = integerField(o, "nFiltersScale", "n_filters_scale", c.nFiltersScale);
  c.objectBig = boolOption(o, "objectBig", c.objectBig);
  c.probeBig = boolOption(o, "probeBig", c.probeBig);
  c.padObject = boolOption(o, "padObject", c.padObject);
  c.ampActivation = parseActivation(stringOption(o, "ampActivation", "sigmoid"));
  c.intensityScaleTrainable = boolOption(o, "intensityScaleTrainable", c.intensityScaleTrainable);
  c.probeTrainable = boolOption(o, "probeTrainable", c.probeTrainable);
  c.intensityScale = numberField(o, "intensityScale", "intensity_scale", c.intensityScale);
  c.nllWeight = numberField(o, "nllWeight", "nll_weight", c.nllWeight);
  c.maeWeight = numberField(o, "maeWeight", "mae_weight", c.maeWeight);
  c.trainingPatchWeighting = physics::parseWeighting(stringOption(o, "trainingPatchWeighting", "central_mask"));
  c.paddedSize = integerField(o, "paddedSize", "padded_size", 0);
  c.seed = static_cast<uint64_t>(integerField(o, "seed", "seed", 0));
  const auto translation = stringOption(o, "translation", "kernels");
  if (translation != "kernels" && translation != "grid_sample") {
    throw ArgumentError("translation: unknown value '" + translation + "' (expected kernels or grid_sample)");
  }
  c.translation = translation == "kernels" ? physics::Translation::Kernels : physics::Translation::GridSample;
  validate(c);
  return c;
}

training::TrainOptions trainOptionsFromJs(const Napi::Object& o) {
  training::TrainOptions t;
  t.epochs = integerField(o, "epochs", "nepochs", t.epochs);
  t.batchSize = integerField(o, "batchSize", "batch_size", t.batchSize);
  t.learningRate = numberField(o, "learningRate", "learning_rate", t.learningRate);
  t.validationFraction = numberField(o, "validationFraction", "validation_fraction", t.validationFraction);
  t.plateauPatience = integerField(o, "plateauPatience", "plateau_patience", t.plateauPatience);
  t.plateauFactor = numberField(o, "plateauFactor", "plateau_factor", t.plateauFactor);
  t.minLearningRate = numberField(o, "minLearningRate", "min_learning_rate", t.minLearningRate);
  t.earlyStoppingPatience = integerField(o, "earlyStoppingPatience", "early_stopping_patience", 0);
  t.checkpointEvery = integerField(o, "checkpointEvery", "checkpoint_every", 0);
  t.seed = static_cast<uint64_t>(integerField(o, "seed", "seed", 0));
  if (t.epochs < 0) throw ArgumentError("nepochs: must be >= 0, got " + std::to_string(t.epochs));
  if (t.batchSize < 1) throw ArgumentError("batch_size: must be >= 1, got " + std::to_string(t.batchSize));
  if (!(t.learningRate > 0)) throw ArgumentError("learning_rate: must be > 0");
  if (!(t.validationFraction >= 0 && t.validationFraction < 1)) {
    throw ArgumentError("validation_fraction: must be in [0, 1)");
  }
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

}  // namespace ptychopinn::model

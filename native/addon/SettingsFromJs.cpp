#include "addon/SettingsFromJs.h"

#include "addon/JsOptions.h"

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
  c.bfloat16 = fields.boolean("bfloat16");
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
  const auto distributed = fields.object("distributed");
  t.distributed.worldSize = distributed.integer("worldSize");
  t.distributed.rank = distributed.integer("rank");
  t.distributed.masterAddress = distributed.string("masterAddress");
  t.distributed.masterPort = distributed.integer("masterPort");
  t.distributed.launcherHostsStore = distributed.boolean("launcherHostsStore");
  t.distributed.storePrefix = distributed.string("storePrefix");
  t.distributed.timeoutSeconds = distributed.number("timeoutSeconds");
  t.distributed.socketInterface = distributed.string("socketInterface");
  training::checkInvariants(t);
  return t;
}

physics::ForwardOptions forwardOptionsFromJs(const Napi::Object& o) {
  physics::ForwardOptions options;
  options.objectBig = boolOption(o, "objectBig", false);
  options.weighting = physics::parseWeighting(stringOption(o, "weighting", "central_mask"));
  options.paddedSize = intOption(o, "paddedSize", 0);
  options.translation = physics::parseTranslation(stringOption(o, "translation", "kernels"));
  return options;
}

}  // namespace ptychopinn::addon

// The settings objects the JS engine layer builds complete from the validated
// configuration, parsed into plain structs on the JS thread. Shared by both addons.
#pragma once
#include <napi.h>

#include "model/ModelConfig.h"
#include "physics/PhysicsOptions.h"
#include "training/TrainOptions.h"

namespace ptychopinn::addon {

model::ModelConfig modelConfigFromJs(const Napi::Object& object);
training::TrainOptions trainOptionsFromJs(const Napi::Object& object);
// The optional options object of the physics entry points (missing keys: defaults).
physics::ForwardOptions forwardOptionsFromJs(const Napi::Object& object);

}  // namespace ptychopinn::addon

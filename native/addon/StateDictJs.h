// State dicts across the boundary: { name: JsTensor } of float32 tensors.
#pragma once
#include <napi.h>

#include "training/Trainer.h"

namespace ptychopinn::addon {

Napi::Object stateDictToJs(Napi::Env env, const training::StateDict& state);
training::StateDict stateDictFromJs(const Napi::Value& value);

}  // namespace ptychopinn::addon

// Parses the JS-side configuration objects into plain structs on the JS thread.
#pragma once
#include <napi.h>
#include <torch/types.h>

#include "model/ModelConfig.h"
#include "training/Trainer.h"

namespace ptychopinn::addon {

model::ModelConfig modelConfigFromJs(const Napi::Object& object);
training::TrainOptions trainOptionsFromJs(const Napi::Object& object);

struct ResolvedDevice {
  torch::Device device;
  bool fellBack;  // 'auto' chose the CPU because no CUDA device is usable
};
// 'cpu' | 'cuda' | 'cuda:N' | 'auto'
ResolvedDevice resolveDevice(const std::string& name);

}  // namespace ptychopinn::addon

// Parses the JS-side configuration objects into plain structs on the JS thread; the
// device is LibTorch's own.
#pragma once
#include <napi.h>
#include <torch/types.h>

#include "addon/SettingsFromJs.h"

namespace ptychopinn::addon {

struct ResolvedDevice {
  torch::Device device;
  bool fellBack;  // 'auto' chose the CPU because no CUDA device is usable
};
// 'cpu' | 'cuda' | 'cuda:N' | 'auto'
ResolvedDevice resolveDevice(const std::string& name);

}  // namespace ptychopinn::addon

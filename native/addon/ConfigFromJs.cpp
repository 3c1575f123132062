#include "addon/ConfigFromJs.h"

#include <torch/cuda.h>

#include <regex>

#include "addon/Guard.h"

namespace ptychopinn::addon {

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

// Plain C++ entry points into native/cuda/*.cu. These headers include no LibTorch
// or ATen headers (ATen's CUDA headers need cuSPARSE and friends, absent on CPU
// build machines): kernels take raw pointers and sizes.
#pragma once
#include <cstddef>
#include <string>

namespace ptychopinn::cuda {

struct DeviceInfo {
  int index;
  std::string name;
  size_t totalMemoryBytes;
  int computeMajor;
  int computeMinor;
};

int deviceCount();
DeviceInfo deviceInfo(int index);

}  // namespace ptychopinn::cuda

#include <cuda_runtime.h>

#include <stdexcept>

#include "CudaRuntime.h"

namespace ptychopinn::cuda {

int deviceCount() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return count;
}

DeviceInfo deviceInfo(int index) {
  cudaDeviceProp prop{};
  cudaError_t status = cudaGetDeviceProperties(&prop, index);
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("cudaGetDeviceProperties: ") + cudaGetErrorString(status));
  }
  return DeviceInfo{index, prop.name, prop.totalGlobalMem, prop.major, prop.minor};
}

}  // namespace ptychopinn::cuda

// CUDA versions of the patch kernels; semantics in PatchKernels.h.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "CudaKernels.h"

namespace ptychopinn::cuda {
namespace {

constexpr int kThreads = 256;

__device__ inline bool inside(int64_t v, int64_t size) { return v >= 0 && v < size; }

// One thread per output pixel; channels share the weights.
template <typename T>
__global__ void shiftGatherKernel(const T* in, T* out, const int64_t* tapPlane, const double* tapShift,
                                  kernels::GatherShape s) {
  const int64_t index = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (index >= s.outPlanes * s.outH * s.outW) return;
  const int64_t x = index % s.outW;
  const int64_t y = (index / s.outW) % s.outH;
  const int64_t o = index / (s.outW * s.outH);
  T acc[2] = {0, 0};
  for (int64_t t = 0; t < s.taps; ++t) {
    const int64_t tap = o * s.taps + t;
    const T* plane = in + tapPlane[tap] * s.inH * s.inW * s.channels;
    const double sy = y + tapShift[2 * tap], sx = x + tapShift[2 * tap + 1];
    const double fy = floor(sy), fx = floor(sx);
    const int64_t y0 = static_cast<int64_t>(fy), x0 = static_cast<int64_t>(fx);
    const T wy1 = static_cast<T>(sy - fy), wx1 = static_cast<T>(sx - fx);
    for (int dy = 0; dy < 2; ++dy) {
      for (int dx = 0; dx < 2; ++dx) {
        const int64_t yi = y0 + dy, xi = x0 + dx;
        if (!inside(yi, s.inH) || !inside(xi, s.inW)) continue;
        const T w = (dy ? wy1 : T(1) - wy1) * (dx ? wx1 : T(1) - wx1);
        for (int64_t k = 0; k < s.channels; ++k) acc[k] += w * plane[(yi * s.inW + xi) * s.channels + k];
      }
    }
  }
  for (int64_t k = 0; k < s.channels; ++k) out[index * s.channels + k] = acc[k];
}

// One thread per crop pixel; overlapping patches meet in atomicAdd.
template <typename T>
__global__ void scatterCropsKernel(const T* patches, const double* centres, T* canvas, T* weight,
                                   kernels::ScatterShape s) {
  const int64_t index = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (index >= s.patches * s.crop * s.crop) return;
  const int64_t i = index % s.crop;
  const int64_t j = (index / s.crop) % s.crop;
  const int64_t p = index / (s.crop * s.crop);
  const int64_t margin = (s.n - s.crop) / 2;
  const double sy = centres[2 * p] - s.crop / 2 + j, sx = centres[2 * p + 1] - s.crop / 2 + i;
  const double fy = floor(sy), fx = floor(sx);
  const int64_t y0 = static_cast<int64_t>(fy), x0 = static_cast<int64_t>(fx);
  const T wy1 = static_cast<T>(sy - fy), wx1 = static_cast<T>(sx - fx);
  const T* src = patches + ((p * s.n + margin + j) * s.n + margin + i) * s.channels;
  for (int dy = 0; dy < 2; ++dy) {
    for (int dx = 0; dx < 2; ++dx) {
      const int64_t yi = y0 + dy, xi = x0 + dx;
      if (!inside(yi, s.canvasH) || !inside(xi, s.canvasW)) continue;
      const T w = (dy ? wy1 : T(1) - wy1) * (dx ? wx1 : T(1) - wx1);
      if (w == T(0)) continue;
      for (int64_t k = 0; k < s.channels; ++k) atomicAdd(canvas + (yi * s.canvasW + xi) * s.channels + k, w * src[k]);
      atomicAdd(weight + yi * s.canvasW + xi, w);
    }
  }
}

unsigned int blocksFor(int64_t count) { return static_cast<unsigned int>((count + kThreads - 1) / kThreads); }

}  // namespace

template <typename T>
void shiftGather(const T* in, T* out, const int64_t* tapPlane, const double* tapShift,
                 const kernels::GatherShape& shape, void* stream) {
  const int64_t count = shape.outPlanes * shape.outH * shape.outW;
  if (count == 0) return;
  shiftGatherKernel<T>
      <<<blocksFor(count), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(in, out, tapPlane, tapShift, shape);
  checkLaunch("shiftGather");
}

template <typename T>
void scatterCrops(const T* patches, const double* centres, T* canvas, T* weight, const kernels::ScatterShape& shape,
                  void* stream) {
  const int64_t count = shape.patches * shape.crop * shape.crop;
  if (count == 0) return;
  scatterCropsKernel<T>
      <<<blocksFor(count), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(patches, centres, canvas, weight, shape);
  checkLaunch("scatterCrops");
}

void checkLaunch(const char* what) {
  cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
}

template void shiftGather<float>(const float*, float*, const int64_t*, const double*, const kernels::GatherShape&,
                                 void*);
template void shiftGather<double>(const double*, double*, const int64_t*, const double*, const kernels::GatherShape&,
                                  void*);
template void scatterCrops<float>(const float*, const double*, float*, float*, const kernels::ScatterShape&, void*);
template void scatterCrops<double>(const double*, const double*, double*, double*, const kernels::ScatterShape&, void*);

}  // namespace ptychopinn::cuda

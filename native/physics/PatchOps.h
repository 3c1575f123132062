// Tensor wrappers of the raw patch kernels, dispatching to CPU or CUDA by device.
// Complex tensors are handled as interleaved (re, im) channels sharing weights.
#pragma once
#include <torch/types.h>

namespace ptychopinn::physics {

// in: (P, inH, inW) real or complex. tapPlane: (O, T) int64, tapShift: (O, T, 2)
// float64 (dy, dx), both on the CPU. Returns (O, outH, outW) of in's dtype/device.
torch::Tensor shiftGather(const torch::Tensor& in, const torch::Tensor& tapPlane, const torch::Tensor& tapShift,
                          int64_t outH, int64_t outW);

// Adds the central crop×crop of each patch (M, n, n) at canvas centres (M, 2)
// float64 (y, x) into canvas (H, W) (patches' dtype) and weight (H, W) (real).
void scatterCrops(const torch::Tensor& patches, const torch::Tensor& centres, int64_t crop, torch::Tensor& canvas,
                  torch::Tensor& weight);

}  // namespace ptychopinn::physics

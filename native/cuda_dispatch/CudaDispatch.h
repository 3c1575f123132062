// Tensor-level entry points to the CUDA kernels. Compiled only with CUDA
// (PTYCHOPINN_WITH_CUDA); they run on LibTorch's current stream.
#pragma once
#include <torch/types.h>

#include "cuda/PatchKernels.h"

namespace ptychopinn::cuda {

void shiftGatherTensor(const torch::Tensor& in, torch::Tensor& out, const torch::Tensor& tapPlane,
                       const torch::Tensor& tapShift, const kernels::GatherShape& shape);
void scatterCropsTensor(const torch::Tensor& patches, const torch::Tensor& centres, torch::Tensor& canvas,
                        torch::Tensor& weight, const kernels::ScatterShape& shape);

}  // namespace ptychopinn::cuda

// The same translate / pad-shift / extract written with LibTorch's grid_sample, as
// PtychoPINN-PyTorch does it: the baseline the custom kernels are benchmarked and
// cross-checked against. Same signatures and conventions as ShiftOps.h.
#pragma once
#include <torch/types.h>

namespace ptychopinn::physics::gridsample {

torch::Tensor translate(const torch::Tensor& img, const torch::Tensor& offsets);
torch::Tensor padShift(const torch::Tensor& patches, const torch::Tensor& positions, int64_t paddedSize);
torch::Tensor extract(const torch::Tensor& merged, const torch::Tensor& positions, int64_t patchSize);

}  // namespace ptychopinn::physics::gridsample

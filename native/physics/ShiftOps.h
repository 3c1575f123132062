// Differentiable translate / pad-shift / extract on the shift-gather kernel.
// Positions and offsets are [x, y] pixels (reference §1); they carry no gradient.
#pragma once
#include <torch/types.h>

namespace ptychopinn::physics {

// img (P, H, W), offsets (P, 2) [dx, dy]: out[y, x] = img(y - dy, x - dx), bilinear,
// zero fill (the content moves by +d).
torch::Tensor translate(const torch::Tensor& img, const torch::Tensor& offsets);

// patches (B, C, N, N), positions (B, C, 2) -> (B, C, Np, Np): each patch zero-padded
// (centred) to Np and shifted by -p_c. The merge of §3 multiplies these per channel
// before it sums, so they are not summed here.
torch::Tensor padShift(const torch::Tensor& patches, const torch::Tensor& positions, int64_t paddedSize);

// merged (B, Np, Np), positions (B, C, 2) -> (B, C, N, N): shift by +p_c, crop the
// central N × N.
torch::Tensor extract(const torch::Tensor& merged, const torch::Tensor& positions, int64_t patchSize);

}  // namespace ptychopinn::physics

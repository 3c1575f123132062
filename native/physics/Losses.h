// Poisson and amplitude losses (reference §4). `mask` (broadcastable to the data,
// 1 = good pixel, 0 = bad) may be undefined: all pixels count.
#pragma once
#include <torch/types.h>

namespace ptychopinn::physics {

// Training form: mean over good pixels of I_pred − I_obs·log max(I_pred, 1e-12).
torch::Tensor poissonNllMean(const torch::Tensor& predicted, const torch::Tensor& observed, const torch::Tensor& mask);

// Reported form: per group (dim 0) the sum over all other dims of
// I_pred − I_obs·log I_pred + lgamma(I_obs + 1), averaged over groups; in float64.
torch::Tensor poissonNllReported(const torch::Tensor& predicted, const torch::Tensor& observed);

// Mean over good pixels of |A_pred − A_obs|.
torch::Tensor amplitudeMae(const torch::Tensor& predicted, const torch::Tensor& observed, const torch::Tensor& mask);

}  // namespace ptychopinn::physics

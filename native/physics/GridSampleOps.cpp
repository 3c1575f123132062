#include "physics/GridSampleOps.h"

#include <torch/nn/functional.h>

namespace ptychopinn::physics::gridsample {
namespace {

namespace F = torch::nn::functional;

// Samples img (P, H, W) at (y + dy, x + dx) for every output pixel, bilinear with
// zero fill: grid_sample with align_corners=True, pixel offsets scaled by 2/(size-1).
torch::Tensor sampleShifted(const torch::Tensor& img, const torch::Tensor& shiftXY) {
  const int64_t P = img.size(0), H = img.size(1), W = img.size(2);
  auto real = img.is_complex() ? torch::view_as_real(img).permute({0, 3, 1, 2}) : img.unsqueeze(1);
  auto options = real.options().requires_grad(false);
  auto xs = torch::arange(W, options).view({1, 1, W}) + shiftXY.select(-1, 0).to(options).view({P, 1, 1});
  auto ys = torch::arange(H, options).view({1, H, 1}) + shiftXY.select(-1, 1).to(options).view({P, 1, 1});
  auto grid =
      torch::stack({(xs * (2.0 / (W - 1)) - 1).expand({P, H, W}), (ys * (2.0 / (H - 1)) - 1).expand({P, H, W})}, -1);
  auto out = F::grid_sample(
      real, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(true));
  return img.is_complex() ? torch::view_as_complex(out.permute({0, 2, 3, 1}).contiguous()) : out.squeeze(1);
}

}  // namespace

torch::Tensor translate(const torch::Tensor& img, const torch::Tensor& offsets) {
  return sampleShifted(img, -offsets.detach());
}

torch::Tensor padShift(const torch::Tensor& patches, const torch::Tensor& positions, int64_t paddedSize) {
  const int64_t B = patches.size(0), C = patches.size(1), N = patches.size(2);
  const int64_t before = (paddedSize - N) / 2, after = paddedSize - N - before;
  auto padded = torch::constant_pad_nd(patches.reshape({B * C, N, N}), {before, after, before, after});
  auto shifted = sampleShifted(padded, positions.detach().reshape({B * C, 2}));
  return shifted.view({B, C, paddedSize, paddedSize});
}

torch::Tensor extract(const torch::Tensor& merged, const torch::Tensor& positions, int64_t patchSize) {
  const int64_t B = positions.size(0), C = positions.size(1), Np = merged.size(-1);
  const int64_t offset = (Np - patchSize) / 2;
  auto repeated = merged.unsqueeze(1).expand({B, C, Np, Np}).reshape({B * C, Np, Np});
  auto shifted = sampleShifted(repeated, -positions.detach().reshape({B * C, 2}));
  return shifted.narrow(1, offset, patchSize).narrow(2, offset, patchSize).reshape({B, C, patchSize, patchSize});
}

}  // namespace ptychopinn::physics::gridsample

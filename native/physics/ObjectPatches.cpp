#include "physics/ObjectPatches.h"

#include <torch/autograd.h>

#include "physics/PatchOps.h"

namespace ptychopinn::physics {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// (M, 2) [x, y] → (M, 2) (y, x) on the CPU in float64, as the kernels take them.
torch::Tensor yxOf(const torch::Tensor& xy) { return xy.detach().to(torch::kCPU, torch::kFloat64).flip({1}); }

struct GatherPatchesFn : torch::autograd::Function<GatherPatchesFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& object, const torch::Tensor& corners,
                               int64_t patchSize) {
    const int64_t M = corners.size(0);
    auto yx = yxOf(corners);
    ctx->saved_data["yx"] = yx;
    ctx->saved_data["height"] = object.size(0);
    ctx->saved_data["width"] = object.size(1);
    ctx->saved_data["patchSize"] = patchSize;
    auto tapPlane = torch::zeros({M, 1}, torch::kInt64);
    return shiftGather(object.unsqueeze(0), tapPlane, yx.view({M, 1, 2}), patchSize, patchSize);
  }

  // The bilinear scatter of each patch to where it was cut from is the exact adjoint.
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const int64_t N = ctx->saved_data["patchSize"].toInt();
    auto grad = grads[0].contiguous();
    auto canvas = torch::zeros({ctx->saved_data["height"].toInt(), ctx->saved_data["width"].toInt()}, grad.options());
    auto weight = torch::zeros(canvas.sizes(), grad.options().dtype(c10::toRealValueType(grad.scalar_type())));
    // scatterCrops places a crop of side N by its centre: corner + N/2.
    auto centres = ctx->saved_data["yx"].toTensor() + static_cast<double>(N / 2);
    scatterCrops(grad, centres, N, canvas, weight);
    return {canvas, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor gatherPatches(const torch::Tensor& object, const torch::Tensor& corners, int64_t patchSize) {
  return GatherPatchesFn::apply(object, corners, patchSize);
}

}  // namespace ptychopinn::physics

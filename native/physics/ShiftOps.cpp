#include "physics/ShiftOps.h"

#include <torch/autograd.h>

#include "physics/PatchOps.h"

namespace ptychopinn::physics {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Tap shifts are (dy, dx) = sign·(p_y, p_x) + bias.
torch::Tensor shiftsFrom(const torch::Tensor& xy, double sign, double bias) {
  auto p = xy.detach().to(torch::kCPU, torch::kFloat64);
  return torch::stack({p.select(-1, 1), p.select(-1, 0)}, -1).mul(sign).add(bias);
}

torch::Tensor translateRaw(const torch::Tensor& img, const torch::Tensor& offsets, double sign) {
  const int64_t planes = img.size(0);
  auto tapPlane = torch::arange(planes, torch::kInt64).view({planes, 1});
  auto tapShift = shiftsFrom(offsets, -sign, 0.0).view({planes, 1, 2});
  return shiftGather(img, tapPlane, tapShift, img.size(1), img.size(2));
}

// Every (b, c) plane gets one tap: plane b·C + c of `planes`, shifted by sign·p_c + bias.
torch::Tensor perChannelShift(const torch::Tensor& planes, const torch::Tensor& positions, double sign, double bias,
                              int64_t outSize) {
  const int64_t B = positions.size(0), C = positions.size(1);
  auto tapPlane = torch::arange(B * C, torch::kInt64).view({B * C, 1});
  auto tapShift = shiftsFrom(positions, sign, bias).view({B * C, 1, 2});
  return shiftGather(planes, tapPlane, tapShift, outSize, outSize).view({B, C, outSize, outSize});
}

// Each patch zero-padded (centred) to Np and shifted by -p_c: content moves by -p_c.
torch::Tensor padShiftRaw(const torch::Tensor& patches, const torch::Tensor& positions, int64_t paddedSize) {
  const int64_t B = patches.size(0), C = patches.size(1), N = patches.size(2);
  const double offset = static_cast<double>((paddedSize - N) / 2);
  return perChannelShift(patches.reshape({B * C, N, N}), positions, 1.0, -offset, paddedSize);
}

// The adjoint of padShiftRaw: each plane shifted by +p_c, central N × N kept.
torch::Tensor cropShiftRaw(const torch::Tensor& planes, const torch::Tensor& positions, int64_t patchSize) {
  const int64_t B = planes.size(0), C = planes.size(1), Np = planes.size(-1);
  const double offset = static_cast<double>((Np - patchSize) / 2);
  return perChannelShift(planes.reshape({B * C, Np, Np}), positions, -1.0, offset, patchSize);
}

// Σ_c of padShiftRaw, fused in the kernel (the taps of one output plane are summed):
// the adjoint of extract.
torch::Tensor mergeSumRaw(const torch::Tensor& patches, const torch::Tensor& positions, int64_t paddedSize) {
  const int64_t B = patches.size(0), C = patches.size(1), N = patches.size(2);
  const double offset = static_cast<double>((paddedSize - N) / 2);
  auto tapPlane = torch::arange(B * C, torch::kInt64).view({B, C});
  auto tapShift = shiftsFrom(positions, 1.0, -offset).view({B, C, 2});
  return shiftGather(patches.reshape({B * C, N, N}), tapPlane, tapShift, paddedSize, paddedSize);
}

torch::Tensor extractRaw(const torch::Tensor& merged, const torch::Tensor& positions, int64_t patchSize) {
  const int64_t B = positions.size(0), C = positions.size(1), Np = merged.size(-1);
  const double offset = static_cast<double>((Np - patchSize) / 2);
  auto tapPlane = torch::arange(B, torch::kInt64).repeat_interleave(C).view({B * C, 1});
  auto tapShift = shiftsFrom(positions, -1.0, offset).view({B * C, 1, 2});
  return shiftGather(merged, tapPlane, tapShift, patchSize, patchSize).view({B, C, patchSize, patchSize});
}

// A bilinear shift by d has the shift by -d as its exact adjoint (the hat kernel is
// symmetric), so each backward is another forward.
struct TranslateFn : torch::autograd::Function<TranslateFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& img, const torch::Tensor& offsets) {
    ctx->saved_data["offsets"] = offsets.detach();
    return translateRaw(img, offsets, 1.0);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    return {translateRaw(grads[0], ctx->saved_data["offsets"].toTensor(), -1.0), torch::Tensor()};
  }
};

struct PadShiftFn : torch::autograd::Function<PadShiftFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& patches, const torch::Tensor& positions,
                               int64_t paddedSize) {
    ctx->saved_data["positions"] = positions.detach();
    ctx->saved_data["patchSize"] = patches.size(-1);
    return padShiftRaw(patches, positions, paddedSize);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    auto grad = cropShiftRaw(grads[0], ctx->saved_data["positions"].toTensor(), ctx->saved_data["patchSize"].toInt());
    return {grad, torch::Tensor(), torch::Tensor()};
  }
};

struct ExtractFn : torch::autograd::Function<ExtractFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& merged, const torch::Tensor& positions,
                               int64_t patchSize) {
    ctx->saved_data["positions"] = positions.detach();
    ctx->saved_data["paddedSize"] = merged.size(-1);
    return extractRaw(merged, positions, patchSize);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    auto grad = mergeSumRaw(grads[0], ctx->saved_data["positions"].toTensor(), ctx->saved_data["paddedSize"].toInt());
    return {grad, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor translate(const torch::Tensor& img, const torch::Tensor& offsets) {
  return TranslateFn::apply(img, offsets);
}

torch::Tensor padShift(const torch::Tensor& patches, const torch::Tensor& positions, int64_t paddedSize) {
  return PadShiftFn::apply(patches, positions, paddedSize);
}

torch::Tensor extract(const torch::Tensor& merged, const torch::Tensor& positions, int64_t patchSize) {
  return ExtractFn::apply(merged, positions, patchSize);
}

}  // namespace ptychopinn::physics

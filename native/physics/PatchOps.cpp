#include "physics/PatchOps.h"

#include <ATen/Dispatch.h>

#include "physics/PatchKernelsCpu.h"
#if PTYCHOPINN_WITH_CUDA
#include "cuda_dispatch/CudaDispatch.h"
#endif

namespace ptychopinn::physics {
namespace {

// A real view with channels innermost: (…, 2) for complex, (…, 1) for real.
torch::Tensor asChannels(const torch::Tensor& t) {
  auto c = t.contiguous();
  return c.is_complex() ? torch::view_as_real(c) : c.unsqueeze(-1);
}

#if !PTYCHOPINN_WITH_CUDA
[[noreturn]] void noCuda() {
  throw std::runtime_error("tensor is on a CUDA device but this addon was compiled without CUDA kernels");
}
#endif

}  // namespace

torch::Tensor shiftGather(const torch::Tensor& in, const torch::Tensor& tapPlane, const torch::Tensor& tapShift,
                          int64_t outH, int64_t outW) {
  auto src = asChannels(in);
  const int64_t channels = src.size(-1);
  auto out = torch::empty({tapPlane.size(0), outH, outW, channels}, src.options());
  kernels::GatherShape shape{tapPlane.size(0), tapPlane.size(1), in.size(1), in.size(2), outH, outW, channels};
  auto planes = tapPlane.to(torch::kInt64).contiguous();
  auto shifts = tapShift.to(torch::kFloat64).contiguous();
  if (src.is_cuda()) {
#if PTYCHOPINN_WITH_CUDA
    cuda::shiftGatherTensor(src, out, planes, shifts, shape);
#else
    noCuda();
#endif
  } else {
    AT_DISPATCH_FLOATING_TYPES(src.scalar_type(), "shiftGather", [&] {
      kernels::shiftGatherCpu<scalar_t>(src.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), planes.data_ptr<int64_t>(),
                                        shifts.data_ptr<double>(), shape);
    });
  }
  return in.is_complex() ? torch::view_as_complex(out) : out.squeeze(-1);
}

void scatterCrops(const torch::Tensor& patches, const torch::Tensor& centres, int64_t crop, torch::Tensor& canvas,
                  torch::Tensor& weight) {
  auto src = asChannels(patches);
  auto dst = asChannels(canvas);  // canvas is contiguous, so this views its storage
  auto points = centres.to(torch::kFloat64).contiguous();
  kernels::ScatterShape shape{patches.size(0), patches.size(1), crop, canvas.size(0), canvas.size(1), src.size(-1)};
  if (src.is_cuda()) {
#if PTYCHOPINN_WITH_CUDA
    cuda::scatterCropsTensor(src, points, dst, weight, shape);
#else
    noCuda();
#endif
  } else {
    AT_DISPATCH_FLOATING_TYPES(src.scalar_type(), "scatterCrops", [&] {
      kernels::scatterCropsCpu<scalar_t>(src.data_ptr<scalar_t>(), points.data_ptr<double>(), dst.data_ptr<scalar_t>(),
                                         weight.data_ptr<scalar_t>(), shape);
    });
  }
}

}  // namespace ptychopinn::physics

#include "cuda_dispatch/CudaDispatch.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "cuda/CudaKernels.h"

namespace ptychopinn::cuda {

void shiftGatherTensor(const torch::Tensor& in, torch::Tensor& out, const torch::Tensor& tapPlane,
                       const torch::Tensor& tapShift, const kernels::GatherShape& shape) {
  c10::cuda::CUDAGuard guard(in.device());
  void* stream = c10::cuda::getCurrentCUDAStream().stream();
  auto planes = tapPlane.to(in.device());
  auto shifts = tapShift.to(in.device());
  AT_DISPATCH_FLOATING_TYPES(in.scalar_type(), "shiftGather", [&] {
    shiftGather<scalar_t>(in.data_ptr<scalar_t>(), out.data_ptr<scalar_t>(), planes.data_ptr<int64_t>(),
                          shifts.data_ptr<double>(), shape, stream);
  });
}

void scatterCropsTensor(const torch::Tensor& patches, const torch::Tensor& centres, torch::Tensor& canvas,
                        torch::Tensor& weight, const kernels::ScatterShape& shape) {
  c10::cuda::CUDAGuard guard(patches.device());
  void* stream = c10::cuda::getCurrentCUDAStream().stream();
  auto deviceCentres = centres.to(patches.device());
  AT_DISPATCH_FLOATING_TYPES(patches.scalar_type(), "scatterCrops", [&] {
    scatterCrops<scalar_t>(patches.data_ptr<scalar_t>(), deviceCentres.data_ptr<double>(), canvas.data_ptr<scalar_t>(),
                           weight.data_ptr<scalar_t>(), shape, stream);
  });
}

}  // namespace ptychopinn::cuda

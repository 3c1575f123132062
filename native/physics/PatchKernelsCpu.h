// CPU implementations of the raw patch kernels (see cuda/PatchKernels.h).
#pragma once
#include "cuda/PatchKernels.h"

namespace ptychopinn::kernels {

template <typename T>
void shiftGatherCpu(const T* in, T* out, const int64_t* tapPlane, const double* tapShift, const GatherShape& shape);

template <typename T>
void scatterCropsCpu(const T* patches, const double* centres, T* canvas, T* weight, const ScatterShape& shape);

}  // namespace ptychopinn::kernels

// CUDA launchers for the patch kernels (see PatchKernels.h). Pointers are device
// pointers; `stream` is a cudaStream_t passed as void* so that callers need no CUDA
// headers. Instantiated for float and double.
#pragma once
#include "PatchKernels.h"

namespace ptychopinn::cuda {

template <typename T>
void shiftGather(const T* in, T* out, const int64_t* tapPlane, const double* tapShift,
                 const kernels::GatherShape& shape, void* stream);

template <typename T>
void scatterCrops(const T* patches, const double* centres, T* canvas, T* weight, const kernels::ScatterShape& shape,
                  void* stream);

// Throws std::runtime_error with the CUDA error string if the last launch failed.
void checkLaunch(const char* what);

}  // namespace ptychopinn::cuda

// Owned TF_Tensors and their conversion from and to host arrays.
#pragma once
#include <tensorflow/c/c_api.h>

#include <memory>
#include <vector>

#include "tensorflow/engine/HostArray.h"

namespace ptychopinn::tf {

using TensorPtr = std::unique_ptr<TF_Tensor, decltype(&TF_DeleteTensor)>;

TensorPtr allocateTensor(TF_DataType type, const std::vector<int64_t>& shape);
std::vector<int64_t> shapeOf(const TF_Tensor* tensor);
// float32 (or complex64 when `array.complex`) copy of a host array.
TensorPtr tensorFrom(const HostArray& array);
// A float32 tensor of rows `rows` (in that order) of `array`, whose first axis is the row.
TensorPtr gatherRows(const HostArray& array, const std::vector<int64_t>& rows);
TensorPtr scalarTensor(float value);
// float32 or complex64 tensor to a host array (complex stays interleaved).
HostArray hostArrayOf(const TF_Tensor* tensor);
// float32 or float64 scalar (or one-element) tensor.
double scalarOf(const TF_Tensor* tensor);

}  // namespace ptychopinn::tf

#include "tensorflow/engine/Tensors.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace ptychopinn::tf {

TensorPtr allocateTensor(TF_DataType type, const std::vector<int64_t>& shape) {
  int64_t count = 1;
  for (auto d : shape) count *= d;
  const size_t bytes = static_cast<size_t>(count) * TF_DataTypeSize(type);
  TF_Tensor* t = TF_AllocateTensor(type, shape.data(), static_cast<int>(shape.size()), bytes);
  if (t == nullptr)
    throw std::runtime_error("TensorFlow: could not allocate a tensor of " + std::to_string(bytes) + " bytes");
  return TensorPtr(t, TF_DeleteTensor);
}

std::vector<int64_t> shapeOf(const TF_Tensor* tensor) {
  std::vector<int64_t> shape(static_cast<size_t>(TF_NumDims(tensor)));
  for (size_t i = 0; i < shape.size(); ++i) shape[i] = TF_Dim(tensor, static_cast<int>(i));
  return shape;
}

TensorPtr tensorFrom(const HostArray& array) {
  auto t = allocateTensor(array.complex ? TF_COMPLEX64 : TF_FLOAT, array.shape);
  if (!array.values.empty())
    std::memcpy(TF_TensorData(t.get()), array.values.data(), array.values.size() * sizeof(float));
  return t;
}

TensorPtr gatherRows(const HostArray& array, const std::vector<int64_t>& rows) {
  auto shape = array.shape;
  const size_t rowValues = array.values.size() / static_cast<size_t>(shape.at(0));
  shape[0] = static_cast<int64_t>(rows.size());
  auto t = allocateTensor(TF_FLOAT, shape);
  auto* out = static_cast<float*>(TF_TensorData(t.get()));
  for (size_t i = 0; i < rows.size(); ++i) {
    std::memcpy(out + i * rowValues, array.values.data() + static_cast<size_t>(rows[i]) * rowValues,
                rowValues * sizeof(float));
  }
  return t;
}

TensorPtr scalarTensor(float value) {
  auto t = allocateTensor(TF_FLOAT, {});
  *static_cast<float*>(TF_TensorData(t.get())) = value;
  return t;
}

HostArray hostArrayOf(const TF_Tensor* tensor) {
  const TF_DataType type = TF_TensorType(tensor);
  if (type != TF_FLOAT && type != TF_COMPLEX64)
    throw std::logic_error("internal error: expected a float32 or complex64 tensor");
  HostArray array;
  array.shape = shapeOf(tensor);
  array.complex = type == TF_COMPLEX64;
  const auto* data = static_cast<const float*>(TF_TensorData(tensor));
  array.values.assign(data, data + TF_TensorByteSize(tensor) / sizeof(float));
  return array;
}

double scalarOf(const TF_Tensor* tensor) {
  switch (TF_TensorType(tensor)) {
    case TF_FLOAT:
      return *static_cast<const float*>(TF_TensorData(tensor));
    case TF_DOUBLE:
      return *static_cast<const double*>(TF_TensorData(tensor));
    default:
      throw std::logic_error("internal error: expected a float32 or float64 scalar");
  }
}

}  // namespace ptychopinn::tf

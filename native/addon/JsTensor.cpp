#include "addon/JsTensor.h"

#include <cstring>

#include "addon/Guard.h"
#include "addon/JsTensorView.h"

namespace ptychopinn::addon {
namespace {

torch::ScalarType scalarTypeOf(const JsDtype& dtype) {
  if (dtype.complex()) return dtype.doublePrecision() ? torch::kComplexDouble : torch::kComplexFloat;
  return dtype.doublePrecision() ? torch::kFloat64 : torch::kFloat32;
}

const JsDtype& jsDtypeOf(torch::ScalarType scalar) {
  switch (scalar) {
    case torch::kFloat32:
      return jsDtypeNamed("float32", "tensor");
    case torch::kFloat64:
      return jsDtypeNamed("float64", "tensor");
    case torch::kComplexFloat:
      return jsDtypeNamed("complex64", "tensor");
    case torch::kComplexDouble:
      return jsDtypeNamed("complex128", "tensor");
    default:
      throw std::runtime_error(std::string("cannot hand a tensor of dtype ") + c10::toString(scalar) +
                               " to JavaScript");
  }
}

}  // namespace

torch::ScalarType scalarTypeNamed(const std::string& name, const std::string& argName) {
  return scalarTypeOf(jsDtypeNamed(name, argName));
}

std::string shapeString(at::IntArrayRef shape) { return describeShape(shape.vec()); }

torch::Tensor tensorFromJs(const Napi::Value& value, const std::string& argName) {
  auto view = viewJsTensor(value, argName);
  auto tensor = torch::empty(view.shape, torch::TensorOptions().dtype(scalarTypeOf(*view.dtype)));
  if (tensor.numel() > 0) std::memcpy(tensor.data_ptr(), view.values(), tensor.nbytes());
  return tensor;
}

torch::Tensor borrowTensorFromJs(const Napi::Value& value, const std::string& argName,
                                 Napi::ObjectReference& keepAlive) {
  auto view = viewJsTensor(value, argName);
  const auto options = torch::TensorOptions().dtype(scalarTypeOf(*view.dtype));
  keepAlive = Napi::Persistent(view.data.As<Napi::Object>());
  if (view.data.ElementLength() == 0) return torch::empty(view.shape, options);
  return torch::from_blob(view.values(), view.shape, options);
}

Napi::Object tensorToJs(Napi::Env env, const torch::Tensor& tensor) {
  const auto& dtype = jsDtypeOf(tensor.scalar_type());
  auto owned = new torch::Tensor(tensor.detach().to(torch::kCPU).contiguous());
  // The release touches no JS, so it is safe during environment teardown.
  return jsTensorOver(env, dtype, owned->sizes().vec(), owned->data_ptr(), owned->nbytes(), [owned] { delete owned; });
}

}  // namespace ptychopinn::addon

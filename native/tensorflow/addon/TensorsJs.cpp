#include "tensorflow/addon/TensorsJs.h"

#include <cmath>
#include <cstring>

#include "addon/JsTensorView.h"
#include "common/Errors.h"

namespace ptychopinn::tfaddon {
namespace {

using addon::JsDtype;

TF_DataType tfTypeOf(const JsDtype& dtype) {
  if (dtype.complex()) return dtype.doublePrecision() ? TF_COMPLEX128 : TF_COMPLEX64;
  return dtype.doublePrecision() ? TF_DOUBLE : TF_FLOAT;
}

const JsDtype& jsDtypeOf(TF_DataType type) {
  switch (type) {
    case TF_FLOAT:
      return addon::jsDtypeNamed("float32", "tensor");
    case TF_DOUBLE:
      return addon::jsDtypeNamed("float64", "tensor");
    case TF_COMPLEX64:
      return addon::jsDtypeNamed("complex64", "tensor");
    case TF_COMPLEX128:
      return addon::jsDtypeNamed("complex128", "tensor");
    default:
      throw std::runtime_error("cannot hand a TensorFlow tensor of type " + std::to_string(type) + " to JavaScript");
  }
}

bool isComplex(TF_DataType type) { return type == TF_COMPLEX64 || type == TF_COMPLEX128; }

}  // namespace

tf::TensorPtr tensorFromJs(const Napi::Value& value, const std::string& name) {
  auto view = addon::viewJsTensor(value, name);
  auto tensor = tf::allocateTensor(tfTypeOf(*view.dtype), view.shape);
  if (view.bytes() > 0) std::memcpy(TF_TensorData(tensor.get()), view.values(), view.bytes());
  return tensor;
}

Napi::Object tensorToJs(Napi::Env env, tf::TensorPtr tensor) {
  auto* raw = tensor.release();
  // The release touches no JS, so it is safe during environment teardown.
  return addon::jsTensorOver(env, jsDtypeOf(TF_TensorType(raw)), tf::shapeOf(raw), TF_TensorData(raw),
                             TF_TensorByteSize(raw), [raw] { TF_DeleteTensor(raw); });
}

tf::HostArray hostArrayFromJs(const Napi::Value& value, const std::string& name, bool complex) {
  auto view = addon::viewJsTensor(value, name);
  if (view.dtype->complex() != complex) {
    throw ArgumentError(name + (complex ? ": expected complex64 or complex128"
                                        : ": expected float32 or float64, got a complex tensor"));
  }
  tf::HostArray array;
  array.shape = view.shape;
  array.complex = complex;
  const size_t count = view.data.ElementLength();
  array.values.resize(count);
  if (view.dtype->doublePrecision()) {
    const auto* source = static_cast<const double*>(view.values());
    for (size_t i = 0; i < count; ++i) array.values[i] = static_cast<float>(source[i]);
  } else if (count > 0) {
    std::memcpy(array.values.data(), view.values(), count * sizeof(float));
  }
  return array;
}

Napi::Object hostArrayToJs(Napi::Env env, tf::HostArray array) {
  auto* owned = new tf::HostArray(std::move(array));
  const auto& dtype = addon::jsDtypeNamed(owned->complex ? "complex64" : "float32", "tensor");
  return addon::jsTensorOver(env, dtype, owned->shape, owned->values.data(), owned->values.size() * sizeof(float),
                             [owned] { delete owned; });
}

Napi::Object stateDictToJs(Napi::Env env, const tf::HostStateDict& state) {
  auto out = Napi::Object::New(env);
  for (const auto& [name, array] : state) out.Set(name, hostArrayToJs(env, array));
  return out;
}

tf::HostStateDict stateDictFromJs(const Napi::Value& value) {
  if (!value.IsObject()) throw ArgumentError("stateDict: expected an object of named tensors");
  auto object = value.As<Napi::Object>();
  tf::HostStateDict state;
  auto names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    auto name = names.Get(i).As<Napi::String>().Utf8Value();
    state[name] = hostArrayFromJs(object.Get(name), "stateDict." + name, false);
  }
  return state;
}

void requireShape(const std::vector<int64_t>& shape, const std::string& name, const std::vector<int64_t>& expected) {
  bool ok = shape.size() == expected.size();
  for (size_t i = 0; ok && i < expected.size(); ++i) ok = expected[i] < 0 || shape[i] == expected[i];
  if (ok) return;
  std::string wanted = "[";
  for (size_t i = 0; i < expected.size(); ++i) {
    wanted += (i ? ", " : "") + (expected[i] < 0 ? std::string("*") : std::to_string(expected[i]));
  }
  throw ArgumentError(name + ": expected shape " + wanted + "], got " + addon::describeShape(shape));
}

namespace {

template <typename T>
void requireFiniteValues(const T* values, size_t count, bool complex, const std::vector<int64_t>& shape,
                         const std::string& name) {
  for (size_t i = 0; i < count; ++i) {
    if (!std::isfinite(values[i])) {
      throw ArgumentError(name + ": contains a non-finite value (NaN or Inf) at flat index " +
                          std::to_string(complex ? i / 2 : i) + " of shape " + addon::describeShape(shape));
    }
  }
}

}  // namespace

void requireFinite(const tf::HostArray& array, const std::string& name) {
  requireFiniteValues(array.values.data(), array.values.size(), array.complex, array.shape, name);
}

void requireFinite(const TF_Tensor* tensor, const std::string& name) {
  const auto type = TF_TensorType(tensor);
  const bool complex = isComplex(type);
  if (type == TF_DOUBLE || type == TF_COMPLEX128) {
    requireFiniteValues(static_cast<const double*>(TF_TensorData(tensor)), TF_TensorByteSize(tensor) / sizeof(double),
                        complex, tf::shapeOf(tensor), name);
  } else {
    requireFiniteValues(static_cast<const float*>(TF_TensorData(tensor)), TF_TensorByteSize(tensor) / sizeof(float),
                        complex, tf::shapeOf(tensor), name);
  }
}

void requireReal(const TF_Tensor* tensor, const std::string& name) {
  if (isComplex(TF_TensorType(tensor)))
    throw ArgumentError(name + ": expected float32 or float64, got a complex tensor");
}

void requireComplex(const TF_Tensor* tensor, const std::string& name) {
  if (!isComplex(TF_TensorType(tensor))) throw ArgumentError(name + ": expected complex64 or complex128");
}

}  // namespace ptychopinn::tfaddon

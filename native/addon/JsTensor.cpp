#include "addon/JsTensor.h"

#include <cstring>
#include <sstream>

#include "addon/Guard.h"

namespace ptychopinn::addon {
namespace {

struct DtypeInfo {
  const char* name;
  torch::ScalarType scalar;
  napi_typedarray_type arrayType;
  size_t valuesPerElement;  // 2 for complex: interleaved re, im
};

const DtypeInfo kDtypes[] = {
    {"float32", torch::kFloat32, napi_float32_array, 1},
    {"float64", torch::kFloat64, napi_float64_array, 1},
    {"complex64", torch::kComplexFloat, napi_float32_array, 2},
    {"complex128", torch::kComplexDouble, napi_float64_array, 2},
};

const DtypeInfo& dtypeByName(const std::string& name, const std::string& argName) {
  for (const auto& d : kDtypes) {
    if (name == d.name) return d;
  }
  throw ArgumentError(argName + ": unsupported dtype '" + name +
                      "' (expected float32, float64, complex64 or complex128)");
}

const DtypeInfo& dtypeByScalar(torch::ScalarType scalar) {
  for (const auto& d : kDtypes) {
    if (scalar == d.scalar) return d;
  }
  throw std::runtime_error(std::string("cannot hand a tensor of dtype ") + c10::toString(scalar) + " to JavaScript");
}

}  // namespace

torch::ScalarType scalarTypeNamed(const std::string& name, const std::string& argName) {
  return dtypeByName(name, argName).scalar;
}

std::string shapeString(at::IntArrayRef shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

namespace {

// A checked view of a JS tensor object: its element type, shape and raw values.
struct JsTensorView {
  const DtypeInfo* dtype;
  std::vector<int64_t> shape;
  Napi::TypedArray data;
  void* values() const { return static_cast<uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset(); }
};

JsTensorView viewJsTensor(const Napi::Value& value, const std::string& argName) {
  if (!value.IsObject()) throw ArgumentError(argName + ": expected a tensor object {dtype, shape, data}");
  auto obj = value.As<Napi::Object>();
  auto dtypeValue = obj.Get("dtype");
  auto shapeValue = obj.Get("shape");
  auto dataValue = obj.Get("data");
  if (!dtypeValue.IsString() || !shapeValue.IsArray() || !dataValue.IsTypedArray()) {
    throw ArgumentError(argName + ": expected a tensor object {dtype: string, shape: number[], data: TypedArray}");
  }
  const auto& dtype = dtypeByName(dtypeValue.As<Napi::String>().Utf8Value(), argName);

  auto shapeArray = shapeValue.As<Napi::Array>();
  std::vector<int64_t> shape;
  int64_t numel = 1;
  for (uint32_t i = 0; i < shapeArray.Length(); ++i) {
    Napi::Value dim = shapeArray.Get(i);
    double d = dim.IsNumber() ? dim.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0) || d != static_cast<double>(static_cast<int64_t>(d))) {
      throw ArgumentError(argName + ": shape entries must be non-negative integers");
    }
    shape.push_back(static_cast<int64_t>(d));
    numel *= shape.back();
  }

  auto data = dataValue.As<Napi::TypedArray>();
  if (data.TypedArrayType() != dtype.arrayType) {
    throw ArgumentError(argName + ": dtype " + dtype.name + " needs a " +
                        (dtype.arrayType == napi_float32_array ? "Float32Array" : "Float64Array"));
  }
  size_t expected = static_cast<size_t>(numel) * dtype.valuesPerElement;
  if (data.ElementLength() != expected) {
    throw ArgumentError(argName + ": shape " + shapeString(shape) + " of " + dtype.name + " needs " +
                        std::to_string(expected) + " values, data has " + std::to_string(data.ElementLength()));
  }
  return {&dtype, std::move(shape), data};
}

}  // namespace

torch::Tensor tensorFromJs(const Napi::Value& value, const std::string& argName) {
  auto view = viewJsTensor(value, argName);
  auto tensor = torch::empty(view.shape, torch::TensorOptions().dtype(view.dtype->scalar));
  if (tensor.numel() > 0) std::memcpy(tensor.data_ptr(), view.values(), tensor.nbytes());
  return tensor;
}

torch::Tensor borrowTensorFromJs(const Napi::Value& value, const std::string& argName,
                                 Napi::ObjectReference& keepAlive) {
  auto view = viewJsTensor(value, argName);
  keepAlive = Napi::Persistent(view.data.As<Napi::Object>());
  if (view.data.ElementLength() == 0) return torch::empty(view.shape, torch::TensorOptions().dtype(view.dtype->scalar));
  return torch::from_blob(view.values(), view.shape, torch::TensorOptions().dtype(view.dtype->scalar));
}

Napi::Object tensorToJs(Napi::Env env, const torch::Tensor& tensor) {
  const auto& dtype = dtypeByScalar(tensor.scalar_type());
  auto owned = new torch::Tensor(tensor.detach().to(torch::kCPU).contiguous());
  size_t bytes = owned->nbytes();
  size_t length = static_cast<size_t>(owned->numel()) * dtype.valuesPerElement;
  Napi::ArrayBuffer buffer;
  if (bytes == 0) {
    delete owned;
    buffer = Napi::ArrayBuffer::New(env, 0);
  } else {
    // The finalizer touches no JS, so it is safe during environment teardown.
    buffer = Napi::ArrayBuffer::New(
        env, owned->data_ptr(), bytes, [](Napi::Env, void*, torch::Tensor* t) { delete t; }, owned);
  }
  auto array = Napi::TypedArray();
  if (dtype.arrayType == napi_float32_array) {
    array = Napi::Float32Array::New(env, length, buffer, 0);
  } else {
    array = Napi::Float64Array::New(env, length, buffer, 0);
  }
  auto shape = Napi::Array::New(env, tensor.dim());
  for (int64_t i = 0; i < tensor.dim(); ++i)
    shape.Set(static_cast<uint32_t>(i), Napi::Number::New(env, tensor.size(i)));
  auto result = Napi::Object::New(env);
  result.Set("dtype", dtype.name);
  result.Set("shape", shape);
  result.Set("data", array);
  return result;
}

}  // namespace ptychopinn::addon

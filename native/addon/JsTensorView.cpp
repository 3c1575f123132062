#include "addon/JsTensorView.h"

#include <sstream>

#include "common/Errors.h"

namespace ptychopinn::addon {
namespace {

const JsDtype kDtypes[] = {
    {"float32", napi_float32_array, 1},
    {"float64", napi_float64_array, 1},
    {"complex64", napi_float32_array, 2},
    {"complex128", napi_float64_array, 2},
};

}  // namespace

const JsDtype& jsDtypeNamed(const std::string& name, const std::string& argName) {
  for (const auto& d : kDtypes) {
    if (name == d.name) return d;
  }
  throw ArgumentError(argName + ": unsupported dtype '" + name +
                      "' (expected float32, float64, complex64 or complex128)");
}

std::string describeShape(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

JsTensorView viewJsTensor(const Napi::Value& value, const std::string& argName) {
  if (!value.IsObject()) throw ArgumentError(argName + ": expected a tensor object {dtype, shape, data}");
  auto obj = value.As<Napi::Object>();
  auto dtypeValue = obj.Get("dtype");
  auto shapeValue = obj.Get("shape");
  auto dataValue = obj.Get("data");
  if (!dtypeValue.IsString() || !shapeValue.IsArray() || !dataValue.IsTypedArray()) {
    throw ArgumentError(argName + ": expected a tensor object {dtype: string, shape: number[], data: TypedArray}");
  }
  const auto& dtype = jsDtypeNamed(dtypeValue.As<Napi::String>().Utf8Value(), argName);

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
    throw ArgumentError(argName + ": shape " + describeShape(shape) + " of " + dtype.name + " needs " +
                        std::to_string(expected) + " values, data has " + std::to_string(data.ElementLength()));
  }
  return {&dtype, std::move(shape), data};
}

Napi::Object jsTensorOver(Napi::Env env, const JsDtype& dtype, const std::vector<int64_t>& shape, void* data,
                          size_t bytes, std::function<void()> release) {
  const size_t length = bytes / (dtype.doublePrecision() ? sizeof(double) : sizeof(float));
  Napi::ArrayBuffer buffer;
  if (bytes == 0) {
    release();
    buffer = Napi::ArrayBuffer::New(env, 0);
  } else {
    auto* owner = new std::function<void()>(std::move(release));
    buffer = Napi::ArrayBuffer::New(
        env, data, bytes,
        [](Napi::Env, void*, std::function<void()>* finalize) {
          (*finalize)();
          delete finalize;
        },
        owner);
  }
  Napi::TypedArray array;
  if (dtype.doublePrecision()) {
    array = Napi::Float64Array::New(env, length, buffer, 0);
  } else {
    array = Napi::Float32Array::New(env, length, buffer, 0);
  }
  auto jsShape = Napi::Array::New(env, shape.size());
  for (size_t i = 0; i < shape.size(); ++i) jsShape.Set(static_cast<uint32_t>(i), static_cast<double>(shape[i]));
  auto result = Napi::Object::New(env);
  result.Set("dtype", dtype.name);
  result.Set("shape", jsShape);
  result.Set("data", array);
  return result;
}

}  // namespace ptychopinn::addon

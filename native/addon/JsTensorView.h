// The tensor contract across the JS/native boundary, without a tensor library, for
// both addons (typed in lib/native/binding.ts):
//   { dtype: 'float32'|'float64'|'complex64'|'complex128', shape: number[], data }
// data is a Float32Array (float32, complex64) or Float64Array (float64, complex128);
// complex values are interleaved (re, im), which is NumPy's memory layout.
#pragma once
#include <napi.h>

#include <functional>
#include <string>
#include <vector>

namespace ptychopinn::addon {

struct JsDtype {
  const char* name;
  napi_typedarray_type arrayType;
  size_t valuesPerElement;  // 2 for complex: interleaved re, im
  bool complex() const { return valuesPerElement == 2; }
  bool doublePrecision() const { return arrayType == napi_float64_array; }
};

const JsDtype& jsDtypeNamed(const std::string& name, const std::string& argName);

// A checked view of a JS tensor object: its element type, shape and raw values.
struct JsTensorView {
  const JsDtype* dtype;
  std::vector<int64_t> shape;
  Napi::TypedArray data;
  void* values() const { return static_cast<uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset(); }
  size_t bytes() const { return data.ByteLength(); }
};

// Throws ArgumentError naming `argName` when the object breaks the contract.
JsTensorView viewJsTensor(const Napi::Value& value, const std::string& argName);

// A JS tensor over `bytes` bytes at `data`, without a copy: `release` runs when the
// ArrayBuffer is collected (it must touch no JS).
Napi::Object jsTensorOver(Napi::Env env, const JsDtype& dtype, const std::vector<int64_t>& shape, void* data,
                          size_t bytes, std::function<void()> release);

std::string describeShape(const std::vector<int64_t>& shape);

}  // namespace ptychopinn::addon

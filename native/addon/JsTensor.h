// The tensor contract across the JS/native boundary (typed in lib/native/binding.ts):
//   { dtype: 'float32'|'float64'|'complex64'|'complex128', shape: number[], data }
// data is a Float32Array (float32, complex64) or Float64Array (float64, complex128);
// complex values are interleaved (re, im), which is NumPy's memory layout.
//
// Ownership: inputs are copied into a tensor that native code alone owns (so a worker
// thread never reads memory JS may change); outputs are handed to JS without a copy,
// the ArrayBuffer keeping the tensor alive until its finalizer runs.
#pragma once
#include <napi.h>
#include <torch/types.h>

#include <string>
#include <vector>

namespace ptychopinn::addon {

torch::Tensor tensorFromJs(const Napi::Value& value, const std::string& argName);
// The exception to copying, for large read-only inputs of async work: a tensor over
// the TypedArray's own memory. `keepAlive` holds the array; the caller keeps the
// reference until the work is done, and JS must not change the array meanwhile.
torch::Tensor borrowTensorFromJs(const Napi::Value& value, const std::string& argName,
                                 Napi::ObjectReference& keepAlive);
Napi::Object tensorToJs(Napi::Env env, const torch::Tensor& tensor);
std::string shapeString(at::IntArrayRef shape);
// The element type of a dtype name of the contract ('float32', 'complex64', …).
torch::ScalarType scalarTypeNamed(const std::string& name, const std::string& argName);

}  // namespace ptychopinn::addon

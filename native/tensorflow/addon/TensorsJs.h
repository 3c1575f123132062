// JS tensors ({dtype, shape, data}, see addon/JsTensorView.h) to and from TF_Tensors
// and host arrays, with the argument checks of the LibTorch addon: every failure
// names the argument and the shapes involved. Inputs are copied (native code never
// reads memory JS may change); outputs are handed over without a copy.
#pragma once
#include <napi.h>

#include <string>
#include <vector>

#include "tensorflow/engine/HostArray.h"
#include "tensorflow/engine/Tensors.h"

namespace ptychopinn::tfaddon {

// Any dtype of the contract, as the TF_Tensor of the same element type.
tf::TensorPtr tensorFromJs(const Napi::Value& value, const std::string& name);
Napi::Object tensorToJs(Napi::Env env, tf::TensorPtr tensor);

// A real array (float32 or float64 in JS) as float32, or a complex one as complex64.
tf::HostArray hostArrayFromJs(const Napi::Value& value, const std::string& name, bool complex);
Napi::Object hostArrayToJs(Napi::Env env, tf::HostArray array);

Napi::Object stateDictToJs(Napi::Env env, const tf::HostStateDict& state);
tf::HostStateDict stateDictFromJs(const Napi::Value& value);

// expected: one entry per dimension; -1 matches any size.
void requireShape(const std::vector<int64_t>& shape, const std::string& name, const std::vector<int64_t>& expected);
void requireFinite(const tf::HostArray& array, const std::string& name);
void requireFinite(const TF_Tensor* tensor, const std::string& name);
void requireReal(const TF_Tensor* tensor, const std::string& name);
void requireComplex(const TF_Tensor* tensor, const std::string& name);

}  // namespace ptychopinn::tfaddon

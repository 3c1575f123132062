// Argument checks for exported functions: every failure names the argument and
// the shapes involved, and surfaces as a JS TypeError (see Guard.h).
#pragma once
#include <napi.h>
#include <torch/types.h>

#include <string>
#include <vector>

#include "addon/JsOptions.h"

namespace ptychopinn::addon {

// expected: one entry per dimension; -1 matches any size.
void requireShape(const torch::Tensor& t, const std::string& name, const std::vector<int64_t>& expected);
void requireComplex(const torch::Tensor& t, const std::string& name);
void requireReal(const torch::Tensor& t, const std::string& name);
void requireFinite(const torch::Tensor& t, const std::string& name);

}  // namespace ptychopinn::addon

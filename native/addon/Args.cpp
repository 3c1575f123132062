#include "addon/Args.h"

#include "addon/Guard.h"
#include "addon/JsTensor.h"

namespace ptychopinn::addon {
namespace {

std::string expectedString(const std::vector<int64_t>& expected) {
  std::string s = "[";
  for (size_t i = 0; i < expected.size(); ++i) {
    s += (i ? ", " : "") + (expected[i] < 0 ? std::string("*") : std::to_string(expected[i]));
  }
  return s + "]";
}

}  // namespace

void requireShape(const torch::Tensor& t, const std::string& name, const std::vector<int64_t>& expected) {
  bool ok = t.dim() == static_cast<int64_t>(expected.size());
  for (size_t i = 0; ok && i < expected.size(); ++i) ok = expected[i] < 0 || t.size(i) == expected[i];
  if (!ok) {
    throw ArgumentError(name + ": expected shape " + expectedString(expected) + ", got " + shapeString(t.sizes()));
  }
}

void requireComplex(const torch::Tensor& t, const std::string& name) {
  if (!t.is_complex()) throw ArgumentError(name + ": expected complex64 or complex128");
}

void requireReal(const torch::Tensor& t, const std::string& name) {
  if (t.is_complex()) throw ArgumentError(name + ": expected float32 or float64, got a complex tensor");
}

void requireFinite(const torch::Tensor& t, const std::string& name) {
  auto bad = torch::logical_not(torch::isfinite(t));
  if (t.numel() > 0 && bad.any().item<bool>()) {
    auto index = bad.reshape(-1).nonzero()[0].item<int64_t>();
    throw ArgumentError(name + ": contains a non-finite value (NaN or Inf) at flat index " + std::to_string(index) +
                        " of shape " + shapeString(t.sizes()));
  }
}

}  // namespace ptychopinn::addon

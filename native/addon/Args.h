// Argument checks for exported functions: every failure names the argument and
// the shapes involved, and surfaces as a JS TypeError (see Guard.h).
#pragma once
#include <napi.h>
#include <torch/types.h>

#include <string>
#include <vector>

namespace ptychopinn::addon {

// expected: one entry per dimension; -1 matches any size.
void requireShape(const torch::Tensor& t, const std::string& name, const std::vector<int64_t>& expected);
void requireComplex(const torch::Tensor& t, const std::string& name);
void requireReal(const torch::Tensor& t, const std::string& name);
void requireFinite(const torch::Tensor& t, const std::string& name);

// Options-object readers: a missing key gives the fallback; a wrong type throws.
Napi::Object optionsArg(const Napi::CallbackInfo& info, size_t index);
bool boolOption(const Napi::Object& options, const char* key, bool fallback);
int64_t intOption(const Napi::Object& options, const char* key, int64_t fallback);
double numberOption(const Napi::Object& options, const char* key, double fallback);
std::string stringOption(const Napi::Object& options, const char* key, const std::string& fallback);
double numberArg(const Napi::CallbackInfo& info, size_t index, const std::string& name);

// The fields of a struct that the JS engine layer builds complete from the validated
// configuration (lib/backends/): one that is missing or of the wrong type is a bug
// there, reported as an internal error rather than as the user's mistake.
class CompleteObject {
 public:
  CompleteObject(const Napi::Object& object, std::string what) : object_(object), what_(std::move(what)) {}
  int64_t integer(const char* key) const;
  double number(const char* key) const;
  bool boolean(const char* key) const;
  std::string string(const char* key) const;

 private:
  [[noreturn]] void missing(const char* key, const char* type) const;
  Napi::Object object_;
  std::string what_;
};

}  // namespace ptychopinn::addon

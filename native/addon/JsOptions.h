// Readers of JS option objects and of the complete settings objects the engine
// layer builds, shared by both addons (no tensor library here). A wrong type is a
// JS TypeError naming the key (ArgumentError); see each addon's error guard.
#pragma once
#include <napi.h>

#include <string>

namespace ptychopinn::addon {

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
  CompleteObject object(const char* key) const;

 private:
  [[noreturn]] void missing(const char* key, const char* type) const;
  Napi::Object object_;
  std::string what_;
};

}  // namespace ptychopinn::addon

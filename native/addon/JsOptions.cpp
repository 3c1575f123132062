#include "addon/JsOptions.h"

#include <cmath>
#include <stdexcept>

#include "common/Errors.h"

namespace ptychopinn::addon {

Napi::Object optionsArg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || info[index].IsUndefined()) return Napi::Object::New(info.Env());
  if (!info[index].IsObject()) throw ArgumentError("options: expected an object");
  return info[index].As<Napi::Object>();
}

bool boolOption(const Napi::Object& options, const char* key, bool fallback) {
  auto v = options.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsBoolean()) throw ArgumentError(std::string(key) + ": expected a boolean");
  return v.As<Napi::Boolean>().Value();
}

int64_t intOption(const Napi::Object& options, const char* key, int64_t fallback) {
  auto v = options.Get(key);
  if (v.IsUndefined()) return fallback;
  double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0) || d != static_cast<double>(static_cast<int64_t>(d))) {
    throw ArgumentError(std::string(key) + ": expected a non-negative integer");
  }
  return static_cast<int64_t>(d);
}

double numberOption(const Napi::Object& options, const char* key, double fallback) {
  auto v = options.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) {
    throw ArgumentError(std::string(key) + ": expected a finite number");
  }
  return v.As<Napi::Number>().DoubleValue();
}

std::string stringOption(const Napi::Object& options, const char* key, const std::string& fallback) {
  auto v = options.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsString()) throw ArgumentError(std::string(key) + ": expected a string");
  return v.As<Napi::String>().Utf8Value();
}

double numberArg(const Napi::CallbackInfo& info, size_t index, const std::string& name) {
  if (info.Length() <= index || !info[index].IsNumber()) throw ArgumentError(name + ": expected a number");
  return info[index].As<Napi::Number>().DoubleValue();
}

void CompleteObject::missing(const char* key, const char* type) const {
  throw std::logic_error("internal error: " + what_ + "." + key + " is missing or not " + type +
                         " (the engine layer passes every field, validated by the configuration schema)");
}

int64_t CompleteObject::integer(const char* key) const {
  auto v = object_.Get(key);
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : std::nan("");
  if (!std::isfinite(d) || d != std::floor(d)) missing(key, "an integer");
  return static_cast<int64_t>(d);
}

double CompleteObject::number(const char* key) const {
  auto v = object_.Get(key);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue())) missing(key, "a finite number");
  return v.As<Napi::Number>().DoubleValue();
}

bool CompleteObject::boolean(const char* key) const {
  auto v = object_.Get(key);
  if (!v.IsBoolean()) missing(key, "a boolean");
  return v.As<Napi::Boolean>().Value();
}

std::string CompleteObject::string(const char* key) const {
  auto v = object_.Get(key);
  if (!v.IsString()) missing(key, "a string");
  return v.As<Napi::String>().Utf8Value();
}

CompleteObject CompleteObject::object(const char* key) const {
  auto v = object_.Get(key);
  if (!v.IsObject()) missing(key, "an object");
  return CompleteObject(v.As<Napi::Object>(), what_ + "." + key);
}

}  // namespace ptychopinn::addon

#include "addon/StateDictJs.h"

#include "addon/Guard.h"
#include "addon/JsTensor.h"

namespace ptychopinn::addon {

Napi::Object stateDictToJs(Napi::Env env, const training::StateDict& state) {
  auto out = Napi::Object::New(env);
  for (const auto& [name, tensor] : state) out.Set(name, tensorToJs(env, tensor.to(torch::kFloat32)));
  return out;
}

training::StateDict stateDictFromJs(const Napi::Value& value) {
  if (!value.IsObject()) throw ArgumentError("stateDict: expected an object of named tensors");
  auto object = value.As<Napi::Object>();
  training::StateDict state;
  auto names = object.GetPropertyNames();
  for (uint32_t i = 0; i < names.Length(); ++i) {
    auto name = names.Get(i).As<Napi::String>().Utf8Value();
    state[name] = tensorFromJs(object.Get(name), "stateDict." + name);
  }
  return state;
}

}  // namespace ptychopinn::addon

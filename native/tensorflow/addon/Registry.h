// Each concept file of the TensorFlow addon registers its exports here; Addon.cpp
// calls them all.
#pragma once
#include <napi.h>

namespace ptychopinn::tfaddon {

void registerCapabilities(Napi::Env env, Napi::Object exports);
void registerPhysics(Napi::Env env, Napi::Object exports);
void registerModel(Napi::Env env, Napi::Object exports);

}  // namespace ptychopinn::tfaddon

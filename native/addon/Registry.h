// Each concept file registers its exports here; addon.cpp calls them all.
#pragma once
#include <napi.h>

namespace ptychopinn::addon {

void registerCapabilities(Napi::Env env, Napi::Object exports);
void registerSelfTest(Napi::Env env, Napi::Object exports);
void registerPhysics(Napi::Env env, Napi::Object exports);
void registerStitchCanvas(Napi::Env env, Napi::Object exports);
void registerBenchmarks(Napi::Env env, Napi::Object exports);
void registerModel(Napi::Env env, Napi::Object exports);
void registerRefine(Napi::Env env, Napi::Object exports);
void registerEpochShards(Napi::Env env, Napi::Object exports);

}  // namespace ptychopinn::addon

// What this build of the addon can do: LibTorch version, CUDA, threads, MKL-DNN,
// distributed training backends.
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <dlfcn.h>

#include "addon/Guard.h"
#include "addon/Registry.h"
#include "common/Threads.h"
#include "training/Distributed.h"
#if PTYCHOPINN_WITH_CUDA
#include "cuda/CudaRuntime.h"
#endif

namespace ptychopinn::addon {
namespace {

Napi::Array cudaDevices(Napi::Env env) {
  auto devices = Napi::Array::New(env);
#if PTYCHOPINN_WITH_CUDA
  int count = cuda::deviceCount();
  for (int i = 0; i < count; ++i) {
    auto info = cuda::deviceInfo(i);
    auto device = Napi::Object::New(env);
    device.Set("index", info.index);
    device.Set("name", info.name);
    device.Set("totalMemoryBytes", static_cast<double>(info.totalMemoryBytes));
    device.Set("computeCapability", std::to_string(info.computeMajor) + "." + std::to_string(info.computeMinor));
    devices.Set(static_cast<uint32_t>(i), device);
  }
#endif
  return devices;
}

// The file of the LibTorch CPU library that this process actually loaded: the
// version compiled against (torch/version.h) says nothing about what the dynamic
// linker picked at run time.
std::string loadedLibtorchLibrary() {
  Dl_info where{};
  if (dladdr(reinterpret_cast<void*>(&at::get_num_threads), &where) == 0 || where.dli_fname == nullptr) return "";
  return where.dli_fname;
}

Napi::Value Capabilities(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&] {
    auto caps = Napi::Object::New(env);
    caps.Set("libtorchVersion", TORCH_VERSION);
    caps.Set("libtorchLibrary", loadedLibtorchLibrary());
    caps.Set("cudaCompiled", static_cast<bool>(PTYCHOPINN_WITH_CUDA));
    caps.Set("cudaAvailable", torch::cuda::is_available());
    caps.Set("cudaDevices", cudaDevices(env));
    caps.Set("numThreads", at::get_num_threads());
    caps.Set("numInteropThreads", at::get_num_interop_threads());
    caps.Set("mkldnn", at::hasMKLDNN());
    caps.Set("mkl", at::hasMKL());
    caps.Set("parallelInfo", at::get_parallel_info());
    caps.Set("cxx11Abi", static_cast<bool>(_GLIBCXX_USE_CXX11_ABI));
    auto backends = training::distributedBackends();
    auto backendNames = Napi::Array::New(env, backends.size());
    for (size_t i = 0; i < backends.size(); ++i) backendNames.Set(static_cast<uint32_t>(i), backends[i]);
    caps.Set("distributedBackends", backendNames);
    caps.Set("distributedUnavailableReason", training::distributedUnavailableReason());
    return caps;
  });
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsNumber())
      throw ArgumentError("setNumThreads(threads): threads must be a number");
    int threads = info[0].As<Napi::Number>().Int32Value();
    if (threads < 1)
      throw ArgumentError("setNumThreads(threads): threads must be >= 1, got " + std::to_string(threads));
    setIntraOpThreads(threads);
    return Napi::Number::New(env, at::get_num_threads());
  });
}

}  // namespace

void registerCapabilities(Napi::Env env, Napi::Object exports) {
  exports.Set("capabilities", Napi::Function::New(env, Capabilities, "capabilities"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
}

}  // namespace ptychopinn::addon

// The JS `Model` class: a PtychoPINN on a device, trained on its own thread and
// queried by async inference workers.
#include "addon/Args.h"
#include "addon/ConfigFromJs.h"
#include "addon/Guard.h"
#include "addon/InferWorker.h"
#include "addon/JsTensor.h"
#include "addon/Registry.h"
#include "addon/RunningTraining.h"
#include "addon/StateDictJs.h"
#include "addon/TrainingJob.h"
#include "model/ModelState.h"

namespace ptychopinn::addon {
namespace {

using model::ModelState;

class NativeModel : public Napi::ObjectWrap<NativeModel> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "NativeModel",
        {InstanceMethod<&NativeModel::Train>("train"), InstanceMethod<&NativeModel::AbortTraining>("abortTraining"),
         InstanceMethod<&NativeModel::Infer>("infer"), InstanceMethod<&NativeModel::StateDict>("stateDict"),
         InstanceMethod<&NativeModel::LoadStateDict>("loadStateDict"), InstanceMethod<&NativeModel::Dispose>("dispose"),
         InstanceMethod<&NativeModel::LossAndGradients>("lossAndGradients"),
         InstanceAccessor<&NativeModel::Info>("info")});
  }

  // new Model(config, probe (N, N) complex, device)
  explicit NativeModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeModel>(info) {
    guarded(info.Env(), [&] {
      if (!info[0].IsObject()) throw ArgumentError("config: expected an object");
      auto config = modelConfigFromJs(info[0].As<Napi::Object>());
      auto probe = tensorFromJs(info[1], "probe");
      requireComplex(probe, "probe");
      requireShape(probe, "probe", {config.N, config.N});
      requireFinite(torch::view_as_real(probe), "probe");
      auto resolved = resolveDevice(info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "cpu");
      fellBack_ = resolved.fellBack;
      model::PtychoPINN module(config, probe);
      auto generator = at::make_generator<at::CPUGeneratorImpl>(config.seed);
      model::initializeKeras(*module, generator);
      module->to(resolved.device);
      module->eval();
      state_ = std::make_shared<ModelState>(std::move(module), resolved.device);
      for (const auto& p : state_->module->parameters()) {
        bytes_ += static_cast<int64_t>(p.nbytes());
        parameterCount_ += p.numel();
      }
      Napi::MemoryManagement::AdjustExternalMemory(info.Env(), bytes_);
      return 0;
    });
  }

  ~NativeModel() override { release(); }

 private:
  ModelState& live() const {
    if (!state_) throw std::runtime_error("Model: used after dispose()");
    return *state_;
  }

  // train(data, options, onEvent) -> Promise<{history, aborted, stoppedEarly}>
  Napi::Value Train(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      auto& state = live();
      if (!info[0].IsObject()) throw ArgumentError("data: expected {amplitudes, positions, mask?, validation…}");
      if (!info[2].IsFunction()) throw ArgumentError("onEvent: expected a function");
      auto dataJs = info[0].As<Napi::Object>();
      const auto& config = state.module->config();
      training::TrainData data;
      data.amplitudes = readAmplitudes(dataJs.Get("amplitudes"), "amplitudes");
      data.positions = readPositions(dataJs.Get("positions"), "positions", data.amplitudes.size(0));
      if (!dataJs.Get("mask").IsUndefined()) {
        data.mask = tensorFromJs(dataJs.Get("mask"), "mask");
        requireShape(data.mask, "mask", {config.N, config.N});
      }
      if (!dataJs.Get("validationAmplitudes").IsUndefined()) {
        data.validationAmplitudes = readAmplitudes(dataJs.Get("validationAmplitudes"), "validationAmplitudes");
        data.validationPositions =
            readPositions(dataJs.Get("validationPositions"), "validationPositions", data.validationAmplitudes.size(0));
      }
      if (data.amplitudes.size(0) == 0) throw ArgumentError("amplitudes: no training groups");
      auto options = trainOptionsFromJs(optionsArg(info, 1));
      if (state.training.exchange(true)) {
        throw std::runtime_error("train(): this model is already training; await the running train() or abort it");
      }
      state.abort = false;
      return TrainingJob::Start(env, state_, std::move(data), options, info[2].As<Napi::Function>(), Value());
    });
  }

  Napi::Value AbortTraining(const Napi::CallbackInfo& info) {
    if (state_) state_->abort = true;
    return info.Env().Undefined();
  }

  // infer(amplitudes (M, C, N, N), {batchSize}) -> Promise<patches (M, C_out, N, N) complex64>
  Napi::Value Infer(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      live();
      // Read in place, not copied: the worker holds the array until it is done.
      Napi::ObjectReference keepAlive;
      auto amplitudes = checkedAmplitudes(borrowTensorFromJs(info[0], "amplitudes", keepAlive), "amplitudes");
      auto batchSize = intOption(optionsArg(info, 1), "batchSize", 64);
      if (batchSize < 1) throw ArgumentError("batchSize: must be >= 1");
      auto* worker = new InferWorker(env, state_, amplitudes, std::move(keepAlive), batchSize);
      auto promise = worker->Promise();
      worker->Queue();
      return promise;
    });
  }

  Napi::Value StateDict(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      auto& state = live();
      std::shared_lock<std::shared_mutex> reading(state.weightsLock);
      return stateDictToJs(env, training::copyState(state.module));
    });
  }

  Napi::Value LoadStateDict(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      auto& state = live();
      if (state.training) throw std::runtime_error("loadStateDict(): the model is training");
      auto incoming = stateDictFromJs(info[0]);
      std::unique_lock<std::shared_mutex> writing(state.weightsLock);
      torch::NoGradGuard noGrad;
      auto targets = state.module->named_parameters(true);
      auto buffers = state.module->named_buffers(true);
      std::vector<std::string> missing;
      auto assign = [&](const std::string& name, torch::Tensor& target) {
        auto it = incoming.find(name);
        if (it == incoming.end()) {
          missing.push_back(name);
          return;
        }
        if (it->second.sizes() != target.sizes()) {
          throw ArgumentError("stateDict." + name + ": expected shape " + shapeString(target.sizes()) + ", got " +
                              shapeString(it->second.sizes()));
        }
      };
      for (auto& item : targets) assign(item.key(), item.value());
      for (auto& item : buffers) assign(item.key(), item.value());
      if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw ArgumentError("stateDict: missing " + list);
      }
      for (auto& item : targets) item.value().copy_(incoming[item.key()]);
      for (auto& item : buffers) item.value().copy_(incoming[item.key()]);
      return env.Undefined();
    });
  }

  // Diagnostic entry point (tests compare engines with it): the objective of one
  // batch and the gradient of every trainable parameter, without an optimiser step.
  // lossAndGradients({amplitudes, positions, mask?}) -> {loss, nll, mae, gradients}
  Napi::Value LossAndGradients(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      auto& state = live();
      if (state.training) throw std::runtime_error("lossAndGradients(): the model is training");
      if (!info[0].IsObject()) throw ArgumentError("batch: expected {amplitudes, positions, mask?}");
      auto batch = info[0].As<Napi::Object>();
      auto amplitudes = readAmplitudes(batch.Get("amplitudes"), "amplitudes");
      auto positions = readPositions(batch.Get("positions"), "positions", amplitudes.size(0));
      torch::Tensor mask;
      if (!batch.Get("mask").IsUndefined()) {
        mask = tensorFromJs(batch.Get("mask"), "mask");
        requireShape(mask, "mask", {state.module->config().N, state.module->config().N});
      }
      std::unique_lock<std::shared_mutex> writing(state.weightsLock);
      auto& module = state.module;
      module->zero_grad();
      auto parts = module->objective(amplitudes.to(state.device), positions.to(state.device),
                                     mask.defined() ? mask.to(state.device) : mask);
      parts.total.backward();
      training::StateDict gradients;
      for (const auto& item : module->named_parameters(true)) {
        if (item.value().grad().defined()) gradients[item.key()] = item.value().grad().to(torch::kCPU).clone();
      }
      module->zero_grad();
      auto out = Napi::Object::New(env);
      out.Set("loss", parts.total.item<double>());
      out.Set("nll", parts.nll.item<double>());
      out.Set("mae", parts.mae.item<double>());
      out.Set("gradients", stateDictToJs(env, gradients));
      return out;
    });
  }

  // dispose(): frees the weights now. Refused while training.
  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      if (state_ && state_->training) throw std::runtime_error("dispose(): the model is training; abort it first");
      release();
      return info.Env().Undefined();
    });
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      auto& state = live();
      auto out = Napi::Object::New(env);
      out.Set("device", state.device.str());
      out.Set("deviceFellBack", fellBack_);
      out.Set("parameterCount", static_cast<double>(parameterCount_));
      out.Set("training", state.training.load());
      std::shared_lock<std::shared_mutex> reading(state.weightsLock);
      out.Set("intensityScale", state.module->trainedIntensityScale());
      return out;
    });
  }

  torch::Tensor readAmplitudes(const Napi::Value& value, const std::string& name) const {
    return checkedAmplitudes(tensorFromJs(value, name), name);
  }

  torch::Tensor checkedAmplitudes(const torch::Tensor& amplitudes, const std::string& name) const {
    const auto& config = state_->module->config();
    requireReal(amplitudes, name);
    requireShape(amplitudes, name, {-1, config.channels(), config.N, config.N});
    return amplitudes.to(torch::kFloat32);
  }

  torch::Tensor readPositions(const Napi::Value& value, const std::string& name, int64_t groups) const {
    auto positions = tensorFromJs(value, name);
    requireReal(positions, name);
    requireShape(positions, name, {groups, state_->module->config().channels(), 2});
    requireFinite(positions, name);
    return positions.to(torch::kFloat32);
  }

  // Also runs from the finalizer: AdjustExternalMemory takes a BasicEnv and calls no JS.
  void release() {
    if (!state_) return;
    state_.reset();  // worker threads still holding the state keep it until they finish
    Napi::MemoryManagement::AdjustExternalMemory(Env(), -bytes_);
  }

  std::shared_ptr<ModelState> state_;
  int64_t bytes_ = 0;
  int64_t parameterCount_ = 0;
  bool fellBack_ = false;
};

}  // namespace

void registerModel(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeModel", NativeModel::Define(env));
  running::installStops(env);
}

}  // namespace ptychopinn::addon

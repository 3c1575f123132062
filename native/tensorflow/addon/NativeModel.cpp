// The JS `NativeModel` class of the TensorFlow engine: the same contract as the
// LibTorch addon's (lib/native/binding.ts), trained on its own thread and queried by
// async inference workers.
#include "addon/JsOptions.h"
#include "addon/RunningTraining.h"
#include "addon/SettingsFromJs.h"
#include "tensorflow/addon/AddonData.h"
#include "tensorflow/addon/InferWorker.h"
#include "tensorflow/addon/Registry.h"
#include "tensorflow/addon/TensorsJs.h"
#include "tensorflow/addon/TfGuard.h"
#include "tensorflow/addon/TrainingJob.h"

namespace ptychopinn::tfaddon {
namespace {

using addon::intOption;
using addon::optionsArg;
using tf::ModelState;

// The TensorFlow engine runs where tensorflow-cpu runs: 'cpu', or 'auto' resolved to it.
void requireCpu(const std::string& device) {
  if (device == "cpu" || device == "auto") return;
  throw ArgumentError("device: '" + device +
                      "' requested, but the TensorFlow engine runs on the CPU (use device 'cpu' or 'auto', or "
                      "backend 'libtorch' for CUDA)");
}

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

  // new NativeModel(config, probe (N, N) complex, device)
  explicit NativeModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeModel>(info) {
    guarded(info.Env(), [&] {
      if (!info[0].IsObject()) throw ArgumentError("config: expected an object");
      auto config = addon::modelConfigFromJs(info[0].As<Napi::Object>());
      auto probe = hostArrayFromJs(info[1], "probe", true);
      requireShape(probe.shape, "probe", {config.N, config.N});
      requireFinite(probe, "probe");
      requireCpu(info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "cpu");
      state_ = std::make_shared<ModelState>(config, probe, addonData(info.Env()).sessions);
      parameterCount_ = state_->model.parameterCount();
      bytes_ = parameterCount_ * static_cast<int64_t>(sizeof(float));
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
      tf::TrainData data;
      data.amplitudes = readAmplitudes(dataJs.Get("amplitudes"), "amplitudes");
      data.positions = readPositions(dataJs.Get("positions"), "positions", data.amplitudes.shape[0]);
      if (!dataJs.Get("mask").IsUndefined()) data.mask = readMask(dataJs.Get("mask"));
      if (!dataJs.Get("validationAmplitudes").IsUndefined()) {
        data.validationAmplitudes = readAmplitudes(dataJs.Get("validationAmplitudes"), "validationAmplitudes");
        data.validationPositions =
            readPositions(dataJs.Get("validationPositions"), "validationPositions", data.validationAmplitudes.shape[0]);
      }
      if (data.amplitudes.shape[0] == 0) throw ArgumentError("amplitudes: no training groups");
      auto options = addon::trainOptionsFromJs(optionsArg(info, 1));
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
      auto amplitudes = readAmplitudes(info[0], "amplitudes");
      auto batchSize = intOption(optionsArg(info, 1), "batchSize", 64);
      if (batchSize < 1) throw ArgumentError("batchSize: must be >= 1");
      auto* worker = new InferWorker(env, state_, std::move(amplitudes), batchSize);
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
      return stateDictToJs(env, state.model.state());
    });
  }

  Napi::Value LoadStateDict(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      auto& state = live();
      if (state.training) throw std::runtime_error("loadStateDict(): the model is training");
      auto incoming = stateDictFromJs(info[0]);
      std::unique_lock<std::shared_mutex> writing(state.weightsLock);
      state.model.loadState(incoming);
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
      auto amplitudes = tf::tensorFrom(readAmplitudes(batch.Get("amplitudes"), "amplitudes"));
      auto positions = tf::tensorFrom(readPositions(batch.Get("positions"), "positions", TF_Dim(amplitudes.get(), 0)));
      auto mask = batch.Get("mask").IsUndefined() ? tf::TensorPtr(nullptr, TF_DeleteTensor)
                                                  : tf::tensorFrom(readMask(batch.Get("mask")));
      tf::HostStateDict gradients;
      tf::LossParts loss;
      {
        std::unique_lock<std::shared_mutex> writing(state.weightsLock);
        loss = state.model.lossAndGradients(
            {amplitudes.get(), positions.get(), mask ? mask.get() : state.model.allGood()}, gradients);
      }
      auto out = Napi::Object::New(env);
      out.Set("loss", loss.total);
      out.Set("nll", loss.nll);
      out.Set("mae", loss.mae);
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
      out.Set("device", "cpu");
      out.Set("deviceFellBack", false);
      out.Set("parameterCount", static_cast<double>(parameterCount_));
      out.Set("training", state.training.load());
      std::shared_lock<std::shared_mutex> reading(state.weightsLock);
      out.Set("intensityScale", state.model.intensityScale());
      return out;
    });
  }

  tf::HostArray readAmplitudes(const Napi::Value& value, const std::string& name) const {
    const auto& config = state_->model.config();
    auto amplitudes = hostArrayFromJs(value, name, false);
    requireShape(amplitudes.shape, name, {-1, config.channels(), config.N, config.N});
    return amplitudes;
  }

  tf::HostArray readPositions(const Napi::Value& value, const std::string& name, int64_t groups) const {
    auto positions = hostArrayFromJs(value, name, false);
    requireShape(positions.shape, name, {groups, state_->model.config().channels(), 2});
    requireFinite(positions, name);
    return positions;
  }

  tf::HostArray readMask(const Napi::Value& value) const {
    const auto N = state_->model.config().N;
    auto mask = hostArrayFromJs(value, "mask", false);
    requireShape(mask.shape, "mask", {N, N});
    return mask;
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
};

}  // namespace

void registerModel(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeModel", NativeModel::Define(env));
  addon::running::installStops(env);
}

}  // namespace ptychopinn::tfaddon

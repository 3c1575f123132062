// refineObject(data, options, onIteration?) → { promise, abort() }: physics refinement
// of a stitched object on libuv's pool. The measured amplitudes, the one large input,
// are read in place from their Float32Array (held until the work is done) rather than
// copied; the small inputs are copied as usual.
#include <atomic>
#include <memory>

#include "addon/Args.h"
#include "addon/Guard.h"
#include "addon/JsTensor.h"
#include "addon/Registry.h"
#include "common/Threads.h"
#include "refine/ObjectRefiner.h"

namespace ptychopinn::addon {
namespace {

using refine::RefineIteration;

Napi::Object iterationToJs(Napi::Env env, const RefineIteration& r) {
  auto o = Napi::Object::New(env);
  o.Set("iteration", static_cast<double>(r.iteration));
  o.Set("loss", r.loss);
  o.Set("seconds", r.seconds);
  return o;
}

refine::RefineOptions readOptions(const Napi::Object& o) {
  refine::RefineOptions options;
  options.iterations = intOption(o, "iterations", options.iterations);
  options.batchSize = intOption(o, "batchSize", options.batchSize);
  options.learningRate = numberOption(o, "learningRate", options.learningRate);
  options.refineProbe = boolOption(o, "refineProbe", options.refineProbe);
  options.probeLearningRate = numberOption(o, "probeLearningRate", options.probeLearningRate);
  options.probeStart = intOption(o, "probeStart", options.probeStart);
  options.seed = static_cast<uint64_t>(intOption(o, "seed", 0));
  if (options.batchSize < 1) throw ArgumentError("batchSize: expected a positive integer");
  if (!(options.learningRate > 0) || !(options.probeLearningRate > 0)) {
    throw ArgumentError("learningRate, probeLearningRate: expected positive numbers");
  }
  return options;
}

// A queue worker: every iteration reaches onIteration, in order, before the promise
// settles (AsyncProgressWorker keeps only the latest of the records sent while the
// JS thread is busy).
class RefineWorker : public Napi::AsyncProgressQueueWorker<RefineIteration> {
 public:
  RefineWorker(Napi::Env env, const Napi::Object& data, refine::RefineOptions options, Napi::Value onIteration)
      : Napi::AsyncProgressQueueWorker<RefineIteration>(env, "ptychopinn:refine"),
        options_(options),
        abort_(std::make_shared<std::atomic<bool>>(false)),
        deferred_(Napi::Promise::Deferred::New(env)) {
    data_.object = tensorFromJs(data.Get("object"), "object");
    requireComplex(data_.object, "object");
    requireShape(data_.object, "object", {-1, -1});
    data_.probe = tensorFromJs(data.Get("probe"), "probe");
    requireComplex(data_.probe, "probe");
    requireShape(data_.probe, "probe", {-1, -1});
    const int64_t N = data_.probe.size(0);
    data_.amplitudes = borrowTensorFromJs(data.Get("amplitudes"), "amplitudes", amplitudesArray_);
    requireReal(data_.amplitudes, "amplitudes");
    requireShape(data_.amplitudes, "amplitudes", {-1, N, N});
    data_.corners = tensorFromJs(data.Get("corners"), "corners").to(torch::kFloat64);
    requireShape(data_.corners, "corners", {data_.amplitudes.size(0), 2});
    requireFinite(data_.corners, "corners");
    if (data_.amplitudes.size(0) == 0) throw ArgumentError("amplitudes: no patterns to refine against");
    auto mask = data.Get("mask");
    if (!mask.IsUndefined() && !mask.IsNull()) {
      data_.mask = tensorFromJs(mask, "mask");
      requireReal(data_.mask, "mask");
      requireShape(data_.mask, "mask", {N, N});
    }
    if (onIteration.IsFunction()) onIteration_ = Napi::Persistent(onIteration.As<Napi::Function>());
  }

  Napi::Object Handle(Napi::Env env) {
    auto handle = Napi::Object::New(env);
    handle.Set("promise", deferred_.Promise());
    auto abort = abort_;
    handle.Set("abort", Napi::Function::New(env, [abort](const Napi::CallbackInfo&) { abort->store(true); }));
    return handle;
  }

 protected:
  void Execute(const ExecutionProgress& progress) override {
    try {
      applyIntraOpThreads();
      result_ = refine::refine(
          data_, options_, [&](const RefineIteration& r) { progress.Send(&r, 1); }, *abort_);
    } catch (const std::exception& e) {
      SetError(describeException(e));
    }
  }

  void OnProgress(const RefineIteration* records, size_t count) override {
    if (onIteration_.IsEmpty() || !callbackError_.IsEmpty()) return;
    Napi::HandleScope scope(Env());
    for (size_t i = 0; i < count; ++i) {
      try {
        onIteration_.Call({iterationToJs(Env(), records[i])});
      } catch (const Napi::Error& error) {
        // A throwing callback stops the refinement; the promise rejects with its error.
        callbackError_ = Napi::Persistent(error.Value());
        abort_->store(true);
        return;
      }
    }
  }

  void OnOK() override {
    release();
    if (!callbackError_.IsEmpty()) {
      deferred_.Reject(callbackError_.Value());
      return;
    }
    auto env = Env();
    auto o = Napi::Object::New(env);
    o.Set("object", tensorToJs(env, result_.object));
    o.Set("probe", tensorToJs(env, result_.probe));
    o.Set("scale", result_.scale);
    o.Set("initialRFactor", result_.initialRFactor);
    o.Set("finalRFactor", result_.finalRFactor);
    o.Set("aborted", result_.aborted);
    auto history = Napi::Array::New(env, result_.history.size());
    for (size_t i = 0; i < result_.history.size(); ++i) {
      history.Set(static_cast<uint32_t>(i), iterationToJs(env, result_.history[i]));
    }
    o.Set("history", history);
    deferred_.Resolve(o);
  }

  void OnError(const Napi::Error& error) override {
    release();
    deferred_.Reject(Napi::Error::New(Env(), "refinement failed: " + error.Message()).Value());
  }

 private:
  // The borrowed view goes before the array that backs it.
  void release() {
    data_ = {};
    amplitudesArray_.Reset();
  }

  Napi::ObjectReference amplitudesArray_;
  refine::RefineData data_;
  refine::RefineOptions options_;
  std::shared_ptr<std::atomic<bool>> abort_;
  Napi::FunctionReference onIteration_;
  Napi::ObjectReference callbackError_;  // what onIteration threw
  refine::RefineResult result_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace

void registerRefine(Napi::Env env, Napi::Object exports) {
  exports.Set("refineObject", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
                return guarded(info.Env(), [&]() -> Napi::Value {
                  if (info.Length() < 1 || !info[0].IsObject()) {
                    throw ArgumentError("data: expected {object, probe, amplitudes, corners, mask?}");
                  }
                  auto options = readOptions(optionsArg(info, 1));
                  auto* worker = new RefineWorker(info.Env(), info[0].As<Napi::Object>(), options,
                                                  info.Length() > 2 ? info[2] : info.Env().Undefined());
                  auto handle = worker->Handle(info.Env());
                  worker->Queue();
                  return handle;
                });
              }));
}

}  // namespace ptychopinn::addon

#include "addon/TrainingJob.h"

#include <cmath>
#include <thread>

#include "addon/Guard.h"
#include "addon/RunningTraining.h"
#include "addon/StateDictJs.h"
#include "common/Threads.h"

namespace ptychopinn::addon {
namespace {

void setNumber(Napi::Object& o, const char* key, double value) {
  // NaN (no validation data) is left out rather than sent as NaN.
  if (!std::isnan(value)) o.Set(key, value);
}

Napi::Object epochToJs(Napi::Env env, const training::EpochRecord& r) {
  auto o = Napi::Object::New(env);
  o.Set("epoch", static_cast<double>(r.epoch));
  setNumber(o, "loss", r.loss);
  setNumber(o, "nll", r.nll);
  setNumber(o, "mae", r.mae);
  setNumber(o, "validationLoss", r.validationLoss);
  setNumber(o, "validationNll", r.validationNll);
  o.Set("learningRate", r.learningRate);
  o.Set("seconds", r.seconds);
  o.Set("patternsPerSecond", r.patternsPerSecond);
  return o;
}

}  // namespace

TrainingJob::TrainingJob(Napi::Env env, std::shared_ptr<model::ModelState> state, Napi::Object owner)
    : state_(std::move(state)), deferred_(Napi::Promise::Deferred::New(env)), owner_(Napi::Persistent(owner)) {}

Napi::Promise TrainingJob::Start(Napi::Env env, std::shared_ptr<model::ModelState> state, training::TrainData data,
                                 training::TrainOptions options, Napi::Function onEvent, Napi::Object owner) {
  std::shared_ptr<TrainingJob> job(new TrainingJob(env, std::move(state), owner));
  job->tsfn_ = Napi::ThreadSafeFunction::New(env, onEvent, "ptychopinn:train", 0, 1);
  auto promise = job->deferred_.Promise();
  // A thread of its own: training runs for minutes to hours and must not occupy
  // one of libuv's few pool threads.
  const uint64_t id = running::started(env, job->state_);
  std::thread([job, id, data = std::move(data), options]() mutable {
    job->run(std::move(data), options);
    job.reset();  // may hold the last reference to the model's tensors
    running::finished(id);
  }).detach();
  return promise;
}

void TrainingJob::run(training::TrainData data, training::TrainOptions options) {
  Event done(Event::Kind::Done);
  try {
    applyIntraOpThreads();
    done.result = training::train(state_->module, state_->weightsLock, data, options, *this, state_->abort);
  } catch (const std::exception& e) {
    done.error = describeException(e);
  }
  post(std::move(done));
  tsfn_.Release();
}

void TrainingJob::batch(const training::BatchProgress& progress) {
  Event e(Event::Kind::Batch);
  e.batch = progress;
  post(std::move(e));
}

void TrainingJob::epoch(const training::EpochRecord& record) {
  Event e(Event::Kind::Epoch);
  e.epoch = record;
  post(std::move(e));
}

void TrainingJob::checkpoint(int64_t epoch, training::StateDict state, bool aborted) {
  Event e(Event::Kind::Checkpoint);
  e.checkpointEpoch = epoch;
  e.checkpointAborted = aborted;
  e.state = std::move(state);
  post(std::move(e));
}

void TrainingJob::post(Event event) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (event.kind == Event::Kind::Batch && !pending_.empty() && pending_.back().kind == Event::Kind::Batch) {
    pending_.back() = std::move(event);
  } else {
    pending_.push_back(std::move(event));
  }
  if (scheduled_) return;
  scheduled_ = true;
  auto self = shared_from_this();
  tsfn_.NonBlockingCall([self](Napi::Env env, Napi::Function onEvent) { self->drain(env, onEvent); });
}

void TrainingJob::drain(Napi::Env env, Napi::Function onEvent) {
  std::vector<Event> events;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    events.swap(pending_);
    scheduled_ = false;
  }
  if (env == nullptr) return;  // environment shutting down
  Napi::HandleScope scope(env);
  for (auto& e : events) {
    if (e.kind == Event::Kind::Done) {
      state_->training = false;
      owner_.Reset();
      if (!callbackError_.IsEmpty()) {
        deferred_.Reject(callbackError_.Value());
      } else if (!e.error.empty()) {
        deferred_.Reject(Napi::Error::New(env, "training failed: " + e.error).Value());
      } else {
        auto result = Napi::Object::New(env);
        auto history = Napi::Array::New(env, e.result.history.size());
        for (size_t i = 0; i < e.result.history.size(); ++i) {
          history.Set(static_cast<uint32_t>(i), epochToJs(env, e.result.history[i]));
        }
        result.Set("history", history);
        result.Set("aborted", e.result.aborted);
        result.Set("stoppedEarly", e.result.stoppedEarly);
        setNumber(result, "initialValidationLoss", e.result.initialValidationLoss);
        setNumber(result, "initialValidationNll", e.result.initialValidationNll);
        deferred_.Resolve(result);
      }
      continue;
    }
    if (!callbackError_.IsEmpty()) continue;  // stop delivering after the callback threw
    auto o = Napi::Object::New(env);
    if (e.kind == Event::Kind::Batch) {
      o.Set("type", "batch");
      o.Set("epoch", static_cast<double>(e.batch.epoch));
      o.Set("batch", static_cast<double>(e.batch.batch));
      o.Set("batches", static_cast<double>(e.batch.batches));
      o.Set("loss", e.batch.loss);
      o.Set("nll", e.batch.nll);
      o.Set("mae", e.batch.mae);
      o.Set("learningRate", e.batch.learningRate);
      o.Set("patternsPerSecond", e.batch.patternsPerSecond);
    } else if (e.kind == Event::Kind::Epoch) {
      o = epochToJs(env, e.epoch);
      o.Set("type", "epoch");
    } else {
      o.Set("type", "checkpoint");
      o.Set("epoch", static_cast<double>(e.checkpointEpoch));
      o.Set("aborted", e.checkpointAborted);
      o.Set("stateDict", stateDictToJs(env, e.state));
    }
    try {
      onEvent.Call({o});
    } catch (const Napi::Error& error) {
      // A throwing progress callback stops training; train() rejects with its error.
      callbackError_ = Napi::Persistent(error.Value());
      state_->abort = true;
    }
  }
}

}  // namespace ptychopinn::addon

#include "addon/TrainingEvents.h"

#include <cmath>

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

Napi::Object batchToJs(Napi::Env env, const training::BatchProgress& b) {
  auto o = Napi::Object::New(env);
  o.Set("type", "batch");
  o.Set("epoch", static_cast<double>(b.epoch));
  o.Set("batch", static_cast<double>(b.batch));
  o.Set("batches", static_cast<double>(b.batches));
  o.Set("loss", b.loss);
  o.Set("nll", b.nll);
  o.Set("mae", b.mae);
  o.Set("learningRate", b.learningRate);
  o.Set("patternsPerSecond", b.patternsPerSecond);
  return o;
}

Napi::Object resultToJs(Napi::Env env, const training::TrainResult& r) {
  auto result = Napi::Object::New(env);
  auto history = Napi::Array::New(env, r.history.size());
  for (size_t i = 0; i < r.history.size(); ++i) history.Set(static_cast<uint32_t>(i), epochToJs(env, r.history[i]));
  result.Set("history", history);
  result.Set("aborted", r.aborted);
  result.Set("stoppedEarly", r.stoppedEarly);
  setNumber(result, "initialValidationLoss", r.initialValidationLoss);
  setNumber(result, "initialValidationNll", r.initialValidationNll);
  return result;
}

}  // namespace

TrainingEvents::TrainingEvents(Napi::Env env, Napi::Object owner, Hooks hooks)
    : hooks_(std::move(hooks)), deferred_(Napi::Promise::Deferred::New(env)), owner_(Napi::Persistent(owner)) {}

std::shared_ptr<TrainingEvents> TrainingEvents::Open(Napi::Env env, Napi::Function onEvent, Napi::Object owner,
                                                     Hooks hooks) {
  std::shared_ptr<TrainingEvents> events(new TrainingEvents(env, owner, std::move(hooks)));
  events->tsfn_ = Napi::ThreadSafeFunction::New(env, onEvent, "ptychopinn:train", 0, 1);
  return events;
}

void TrainingEvents::batch(const training::BatchProgress& progress) {
  Event e(Event::Kind::Batch);
  e.batch = progress;
  post(std::move(e));
}

void TrainingEvents::epoch(const training::EpochRecord& record) {
  Event e(Event::Kind::Epoch);
  e.epoch = record;
  post(std::move(e));
}

void TrainingEvents::checkpoint(int64_t epoch, bool aborted, StateToJs state) {
  Event e(Event::Kind::Checkpoint);
  e.checkpointEpoch = epoch;
  e.checkpointAborted = aborted;
  e.state = std::move(state);
  post(std::move(e));
}

void TrainingEvents::finish(training::TrainResult result, std::string error) {
  Event done(Event::Kind::Done);
  done.result = std::move(result);
  done.error = std::move(error);
  post(std::move(done));
  tsfn_.Release();
}

void TrainingEvents::post(Event event) {
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

void TrainingEvents::settle(Napi::Env env, const Event& done) {
  hooks_.settled();
  owner_.Reset();
  if (!callbackError_.IsEmpty()) {
    deferred_.Reject(callbackError_.Value());
  } else if (!done.error.empty()) {
    deferred_.Reject(Napi::Error::New(env, "training failed: " + done.error).Value());
  } else {
    deferred_.Resolve(resultToJs(env, done.result));
  }
}

void TrainingEvents::drain(Napi::Env env, Napi::Function onEvent) {
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
      settle(env, e);
      continue;
    }
    if (!callbackError_.IsEmpty()) continue;  // stop delivering after the callback threw
    Napi::Object o;
    if (e.kind == Event::Kind::Batch) {
      o = batchToJs(env, e.batch);
    } else if (e.kind == Event::Kind::Epoch) {
      o = epochToJs(env, e.epoch);
      o.Set("type", "epoch");
    } else {
      o = Napi::Object::New(env);
      o.Set("type", "checkpoint");
      o.Set("epoch", static_cast<double>(e.checkpointEpoch));
      o.Set("aborted", e.checkpointAborted);
      o.Set("stateDict", e.state(env));
    }
    try {
      onEvent.Call({o});
    } catch (const Napi::Error& error) {
      // A throwing progress callback stops training; train() rejects with its error.
      callbackError_ = Napi::Persistent(error.Value());
      hooks_.abort();
    }
  }
}

}  // namespace ptychopinn::addon

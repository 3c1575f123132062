#include "addon/TrainingJob.h"

#include <thread>

#include "addon/Guard.h"
#include "addon/RunningTraining.h"
#include "addon/StateDictJs.h"
#include "common/Threads.h"

namespace ptychopinn::addon {

Napi::Promise TrainingJob::Start(Napi::Env env, std::shared_ptr<model::ModelState> state, training::TrainData data,
                                 training::TrainOptions options, Napi::Function onEvent, Napi::Object owner) {
  auto events = TrainingEvents::Open(env, onEvent, owner,
                                     {[state] { state->abort = true; }, [state] { state->training = false; }});
  // The abort flag, kept alive by the model's state.
  const uint64_t id = running::started(env, std::shared_ptr<std::atomic<bool>>(state, &state->abort));
  // A thread of its own: training runs for minutes to hours and must not occupy
  // one of libuv's few pool threads.
  std::thread([events, state, id, data = std::move(data), options]() mutable {
    training::TrainResult result;
    std::string error;
    try {
      applyIntraOpThreads();
      TrainingJob sink(events);
      result = training::train(state->module, state->weightsLock, data, options, sink, state->abort);
    } catch (const std::exception& e) {
      error = describeException(e);
    }
    events->finish(std::move(result), std::move(error));
    // These may hold the last references to the model's tensors: drop them before
    // telling the exit hooks this thread is out of LibTorch.
    data = {};
    state.reset();
    events.reset();
    running::finished(id);
  }).detach();
  return events->promise();
}

void TrainingJob::checkpoint(int64_t epoch, training::StateDict state, bool aborted) {
  auto shared = std::make_shared<training::StateDict>(std::move(state));
  events_->checkpoint(epoch, aborted, [shared](Napi::Env env) { return stateDictToJs(env, *shared); });
}

}  // namespace ptychopinn::addon

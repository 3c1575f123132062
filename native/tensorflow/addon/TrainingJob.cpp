#include "tensorflow/addon/TrainingJob.h"

#include <thread>

#include "addon/RunningTraining.h"
#include "tensorflow/addon/TensorsJs.h"

namespace ptychopinn::tfaddon {

Napi::Promise TrainingJob::Start(Napi::Env env, std::shared_ptr<tf::ModelState> state, tf::TrainData data,
                                 training::TrainOptions options, Napi::Function onEvent, Napi::Object owner) {
  auto events = addon::TrainingEvents::Open(env, onEvent, owner,
                                            {[state] { state->abort = true; }, [state] { state->training = false; }});
  // The abort flag, kept alive by the model's state.
  const uint64_t id = addon::running::started(env, std::shared_ptr<std::atomic<bool>>(state, &state->abort));
  // A thread of its own: training runs for minutes to hours and must not occupy
  // one of libuv's few pool threads.
  std::thread([events, state, id, data = std::move(data), options]() mutable {
    training::TrainResult result;
    std::string error;
    try {
      TrainingJob sink(events);
      result = tf::train(*state, data, options, sink);
    } catch (const std::exception& e) {
      error = e.what();
    }
    events->finish(std::move(result), std::move(error));
    // The thread is out of TensorFlow once it holds nothing of the model.
    state.reset();
    events.reset();
    addon::running::finished(id);
  }).detach();
  return events->promise();
}

void TrainingJob::checkpoint(int64_t epoch, tf::HostStateDict state, bool aborted) {
  auto shared = std::make_shared<tf::HostStateDict>(std::move(state));
  events_->checkpoint(epoch, aborted, [shared](Napi::Env env) { return stateDictToJs(env, *shared); });
}

}  // namespace ptychopinn::tfaddon

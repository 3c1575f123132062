// One train() call: runs the trainer on its own std::thread and delivers progress
// to JS through a thread-safe function. Batch events are coalesced (only the latest
// pending one is kept) so a fast loop cannot flood the event loop; epoch,
// checkpoint and completion events are never dropped.
#pragma once
#include <napi.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/ModelState.h"
#include "training/Trainer.h"

namespace ptychopinn::addon {

class TrainingJob : public training::ProgressSink, public std::enable_shared_from_this<TrainingJob> {
 public:
  // Starts training; the returned promise resolves to {history, aborted, stoppedEarly}.
  static Napi::Promise Start(Napi::Env env, std::shared_ptr<model::ModelState> state, training::TrainData data,
                             training::TrainOptions options, Napi::Function onEvent, Napi::Object owner);

  void batch(const training::BatchProgress& progress) override;
  void epoch(const training::EpochRecord& record) override;
  void checkpoint(int64_t epoch, training::StateDict state, bool aborted) override;

 private:
  struct Event {
    enum class Kind { Batch, Epoch, Checkpoint, Done };
    explicit Event(Kind k) : kind(k) {}
    Kind kind;
    training::BatchProgress batch{};
    training::EpochRecord epoch{};
    int64_t checkpointEpoch = 0;
    bool checkpointAborted = false;
    training::StateDict state;
    training::TrainResult result;
    std::string error;
  };

  TrainingJob(Napi::Env env, std::shared_ptr<model::ModelState> state, Napi::Object owner);
  void run(training::TrainData data, training::TrainOptions options);
  void post(Event event);
  void drain(Napi::Env env, Napi::Function onEvent);

  std::shared_ptr<model::ModelState> state_;
  Napi::ThreadSafeFunction tsfn_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference owner_;  // keeps the JS Model alive while it trains
  std::mutex mutex_;
  std::vector<Event> pending_;
  bool scheduled_ = false;
  Napi::ObjectReference callbackError_;  // JS thread only: what the progress callback threw
};

}  // namespace ptychopinn::addon

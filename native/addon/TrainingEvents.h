// One train() call's progress, delivered from its training thread to JS through a
// thread-safe function, whatever engine trains. Batch events are coalesced (only
// the latest pending one is kept) so a fast loop cannot flood the event loop;
// epoch, checkpoint and completion events are never dropped. The run's promise
// settles with the completion event.
#pragma once
#include <napi.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "training/Progress.h"

namespace ptychopinn::addon {

class TrainingEvents : public std::enable_shared_from_this<TrainingEvents> {
 public:
  // Converts a checkpoint's weights to a JS state dict, on the JS thread.
  using StateToJs = std::function<Napi::Object(Napi::Env)>;
  struct Hooks {
    // Stops training: called when the progress callback throws.
    std::function<void()> abort;
    // On the JS thread, as the promise settles: the model may train again.
    std::function<void()> settled;
  };

  // On the JS thread. `owner` (the JS model) is kept alive until the run ends.
  static std::shared_ptr<TrainingEvents> Open(Napi::Env env, Napi::Function onEvent, Napi::Object owner, Hooks hooks);
  Napi::Promise promise() const { return deferred_.Promise(); }

  // From the training thread.
  void batch(const training::BatchProgress& progress);
  void epoch(const training::EpochRecord& record);
  void checkpoint(int64_t epoch, bool aborted, StateToJs state);
  // The last call: resolves with `result`, or rejects with `error` when it is not empty.
  void finish(training::TrainResult result, std::string error);

 private:
  struct Event {
    enum class Kind { Batch, Epoch, Checkpoint, Done };
    explicit Event(Kind k) : kind(k) {}
    Kind kind;
    training::BatchProgress batch{};
    training::EpochRecord epoch{};
    int64_t checkpointEpoch = 0;
    bool checkpointAborted = false;
    StateToJs state;
    training::TrainResult result;
    std::string error;
  };

  TrainingEvents(Napi::Env env, Napi::Object owner, Hooks hooks);
  void post(Event event);
  void drain(Napi::Env env, Napi::Function onEvent);
  void settle(Napi::Env env, const Event& done);

  Hooks hooks_;
  Napi::ThreadSafeFunction tsfn_;
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference owner_;
  std::mutex mutex_;
  std::vector<Event> pending_;
  bool scheduled_ = false;
  Napi::ObjectReference callbackError_;  // JS thread only: what the progress callback threw
};

}  // namespace ptychopinn::addon

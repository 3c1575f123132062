// One train() call of the TensorFlow engine: runs its trainer on a std::thread of its
// own and hands the progress to TrainingEvents (shared with the LibTorch addon).
#pragma once
#include <napi.h>

#include <memory>

#include "addon/TrainingEvents.h"
#include "tensorflow/engine/Trainer.h"

namespace ptychopinn::tfaddon {

class TrainingJob : public tf::ProgressSink {
 public:
  // Starts training; the returned promise resolves to {history, aborted, stoppedEarly}.
  static Napi::Promise Start(Napi::Env env, std::shared_ptr<tf::ModelState> state, tf::TrainData data,
                             training::TrainOptions options, Napi::Function onEvent, Napi::Object owner);

  void batch(const training::BatchProgress& progress) override { events_->batch(progress); }
  void epoch(const training::EpochRecord& record) override { events_->epoch(record); }
  void checkpoint(int64_t epoch, tf::HostStateDict state, bool aborted) override;

 private:
  explicit TrainingJob(std::shared_ptr<addon::TrainingEvents> events) : events_(std::move(events)) {}

  std::shared_ptr<addon::TrainingEvents> events_;
};

}  // namespace ptychopinn::tfaddon

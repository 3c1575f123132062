// One train() call of the LibTorch engine: runs the trainer on its own std::thread
// and hands its progress to TrainingEvents.
#pragma once
#include <napi.h>

#include <memory>

#include "addon/TrainingEvents.h"
#include "model/ModelState.h"
#include "training/Trainer.h"

namespace ptychopinn::addon {

class TrainingJob : public training::ProgressSink {
 public:
  // Starts training; the returned promise resolves to {history, aborted, stoppedEarly}.
  static Napi::Promise Start(Napi::Env env, std::shared_ptr<model::ModelState> state, training::TrainData data,
                             training::TrainOptions options, Napi::Function onEvent, Napi::Object owner);

  void batch(const training::BatchProgress& progress) override { events_->batch(progress); }
  void epoch(const training::EpochRecord& record) override { events_->epoch(record); }
  void checkpoint(int64_t epoch, training::StateDict state, bool aborted) override;

 private:
  explicit TrainingJob(std::shared_ptr<TrainingEvents> events) : events_(std::move(events)) {}

  std::shared_ptr<TrainingEvents> events_;
};

}  // namespace ptychopinn::addon

// Reduce-on-plateau of the learning rate and early stopping (reference §6), fed one
// monitored loss per epoch. Both engines' trainers use it, so they schedule alike.
#pragma once
#include <cstdint>
#include <limits>

#include "training/TrainOptions.h"

namespace ptychopinn::training {

class PlateauSchedule {
 public:
  explicit PlateauSchedule(const TrainOptions& options);

  // After an epoch: the validation loss when there is one, else the training loss.
  void observe(double monitored);

  double learningRate() const { return learningRate_; }
  bool stopNow() const { return stop_; }

 private:
  TrainOptions options_;
  double learningRate_;
  double best_ = std::numeric_limits<double>::infinity();
  int64_t sinceImprovement_ = 0, sincePlateau_ = 0;
  bool stop_ = false;
};

}  // namespace ptychopinn::training

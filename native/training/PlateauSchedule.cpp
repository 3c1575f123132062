#include "training/PlateauSchedule.h"

#include <algorithm>

namespace ptychopinn::training {

PlateauSchedule::PlateauSchedule(const TrainOptions& options)
    : options_(options), learningRate_(options.learningRate) {}

void PlateauSchedule::observe(double monitored) {
  if (monitored < best_) {
    best_ = monitored;
    sinceImprovement_ = sincePlateau_ = 0;
    return;
  }
  ++sinceImprovement_;
  if (++sincePlateau_ >= options_.plateauPatience) {
    learningRate_ = std::max(learningRate_ * options_.plateauFactor, options_.minLearningRate);
    sincePlateau_ = 0;
  }
  if (options_.earlyStoppingPatience > 0 && sinceImprovement_ >= options_.earlyStoppingPatience) stop_ = true;
}

}  // namespace ptychopinn::training

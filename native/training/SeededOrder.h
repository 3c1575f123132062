// The seeded orders a training run draws: the validation split and each epoch's
// shuffle. Both engines draw them from the same std::mt19937_64 in the same
// sequence, so a seed selects the same groups and batches in either.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

namespace ptychopinn::training {

std::vector<int64_t> shuffled(int64_t count, std::mt19937_64& rng);

// Which of M groups validate and which train when `fraction` of them are held out;
// both empty when that leaves no group on one side (then all of them train).
struct SplitIndices {
  std::vector<int64_t> validation, training;
};
SplitIndices splitIndices(int64_t M, double fraction, std::mt19937_64& rng);

}  // namespace ptychopinn::training

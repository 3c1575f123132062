#include "training/SeededOrder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ptychopinn::training {

std::vector<int64_t> shuffled(int64_t count, std::mt19937_64& rng) {
  std::vector<int64_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

SplitIndices splitIndices(int64_t M, double fraction, std::mt19937_64& rng) {
  const auto validation = static_cast<int64_t>(std::floor(static_cast<double>(M) * fraction));
  if (validation < 1 || validation >= M) return {};
  auto order = shuffled(M, rng);
  const auto cut = order.begin() + validation;
  return {std::vector<int64_t>(order.begin(), cut), std::vector<int64_t>(cut, order.end())};
}

}  // namespace ptychopinn::training

#include "training/Sharding.h"

#include <algorithm>

namespace ptychopinn::training {

int64_t batchesPerEpoch(int64_t groups, int64_t batchSize) { return (groups + batchSize - 1) / batchSize; }

Range rankPart(int64_t count, int64_t worldSize, int64_t rank) {
  const int64_t base = count / worldSize, larger = count % worldSize;
  const int64_t begin = rank * base + std::min(rank, larger);
  return {begin, begin + base + (rank < larger ? 1 : 0)};
}

Range rankPieceOfBatch(int64_t groups, int64_t batchSize, int64_t batch, int64_t worldSize, int64_t rank) {
  const int64_t first = batch * batchSize;
  const auto part = rankPart(std::min(batchSize, groups - first), worldSize, rank);
  return {first + part.begin, first + part.end};
}

}  // namespace ptychopinn::training

// How one epoch's groups are dealt out to the ranks of a data-parallel run. Every rank
// draws the same permutation for the epoch (SeededOrder.h: the same generator, seeded
// alike, advanced alike) and cuts it into global batches of batchSize groups; each global batch is split into worldSize
// contiguous pieces, one per rank, whose sizes differ by at most one. So every group is used exactly once per epoch
// across the ranks, every rank takes the same number of steps (its collectives pair up with the others'), and the
// ranks' pieces of a batch, put together, are the batch that one process would train on.
#pragma once
#include <cstdint>

namespace ptychopinn::training {

// Positions [begin, end).
struct Range {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};

int64_t batchesPerEpoch(int64_t groups, int64_t batchSize);

// The part of [0, count) that `rank` of `worldSize` takes: contiguous, sizes differing
// by at most one, the larger parts first.
Range rankPart(int64_t count, int64_t worldSize, int64_t rank);

// The positions in the epoch order that `rank` trains on in global batch `batch`.
Range rankPieceOfBatch(int64_t groups, int64_t batchSize, int64_t batch, int64_t worldSize, int64_t rank);

}  // namespace ptychopinn::training

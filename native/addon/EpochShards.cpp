// epochShards(): the groups each rank of a data-parallel run trains on in one epoch,
// batch by batch, as the trainer deals them out (training/Sharding.h) in a run with no
// held-out split (one draws from the same generator first), so that the partition can
// be checked and inspected from JS.
#include <cmath>

#include "addon/Guard.h"
#include "addon/JsOptions.h"
#include "addon/Registry.h"
#include "training/SeededOrder.h"
#include "training/Sharding.h"

namespace ptychopinn::addon {
namespace {

int64_t integerArg(const Napi::CallbackInfo& info, size_t index, const std::string& name, int64_t minimum) {
  const double value = numberArg(info, index, name);
  if (value != std::floor(value) || value < static_cast<double>(minimum) || value > 9007199254740991.0) {
    throw ArgumentError(name + ": expected an integer >= " + std::to_string(minimum));
  }
  return static_cast<int64_t>(value);
}

// epochShards(groups, batchSize, worldSize, seed, epoch) -> number[rank][batch][i]
Napi::Value EpochShards(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const int64_t groups = integerArg(info, 0, "groups", 0);
    const int64_t batchSize = integerArg(info, 1, "batchSize", 1);
    const int64_t worldSize = integerArg(info, 2, "worldSize", 1);
    const auto seed = static_cast<uint64_t>(integerArg(info, 3, "seed", 0));
    const int64_t epoch = integerArg(info, 4, "epoch", 1);
    std::mt19937_64 rng(seed);
    std::vector<int64_t> order;
    for (int64_t e = 1; e <= epoch; ++e) order = training::shuffled(groups, rng);
    const int64_t batches = training::batchesPerEpoch(groups, batchSize);
    auto ranks = Napi::Array::New(env, static_cast<size_t>(worldSize));
    for (int64_t rank = 0; rank < worldSize; ++rank) {
      auto pieces = Napi::Array::New(env, static_cast<size_t>(batches));
      for (int64_t b = 0; b < batches; ++b) {
        const auto piece = training::rankPieceOfBatch(groups, batchSize, b, worldSize, rank);
        auto indices = Napi::Array::New(env, static_cast<size_t>(piece.size()));
        for (int64_t i = piece.begin; i < piece.end; ++i) {
          indices.Set(static_cast<uint32_t>(i - piece.begin), static_cast<double>(order[static_cast<size_t>(i)]));
        }
        pieces.Set(static_cast<uint32_t>(b), indices);
      }
      ranks.Set(static_cast<uint32_t>(rank), pieces);
    }
    return ranks;
  });
}

}  // namespace

void registerEpochShards(Napi::Env env, Napi::Object exports) {
  exports.Set("epochShards", Napi::Function::New(env, EpochShards, "epochShards"));
}

}  // namespace ptychopinn::addon

#include "tensorflow/engine/Trainer.h"

#include <chrono>
#include <cmath>
#include <mutex>
#include <numeric>
#include <random>

#include "training/PlateauSchedule.h"
#include "training/SeededOrder.h"

namespace ptychopinn::tf {
namespace {

using Clock = std::chrono::steady_clock;

// Rows of `array` (first axis) as a new host array.
HostArray rowsOf(const HostArray& array, const std::vector<int64_t>& rows) {
  HostArray out;
  out.shape = array.shape;
  out.shape[0] = static_cast<int64_t>(rows.size());
  const size_t rowValues = array.values.size() / static_cast<size_t>(array.shape[0]);
  out.values.reserve(rows.size() * rowValues);
  for (auto r : rows) {
    auto first = array.values.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(r) * rowValues);
    out.values.insert(out.values.end(), first, first + static_cast<std::ptrdiff_t>(rowValues));
  }
  return out;
}

struct Split {
  HostArray amplitudes, positions, validationAmplitudes, validationPositions;
  bool hasValidation() const { return !validationAmplitudes.shape.empty(); }
};

// Explicit validation data wins; otherwise a seeded fraction of the training set.
Split split(const TrainData& data, const training::TrainOptions& options, std::mt19937_64& rng) {
  if (!data.validationAmplitudes.shape.empty()) {
    return {data.amplitudes, data.positions, data.validationAmplitudes, data.validationPositions};
  }
  auto indices = training::splitIndices(data.amplitudes.shape[0], options.validationFraction, rng);
  if (indices.validation.empty()) return {data.amplitudes, data.positions, {}, {}};
  return {rowsOf(data.amplitudes, indices.training), rowsOf(data.positions, indices.training),
          rowsOf(data.amplitudes, indices.validation), rowsOf(data.positions, indices.validation)};
}

struct Averages {
  double loss = 0, nll = 0, mae = 0;
  int64_t count = 0;
  void add(const LossParts& parts, int64_t n) {
    loss += parts.total * static_cast<double>(n);
    nll += parts.nll * static_cast<double>(n);
    mae += parts.mae * static_cast<double>(n);
    count += n;
  }
  double mean(double sum) const { return count ? sum / static_cast<double>(count) : std::nan(""); }
};

std::vector<int64_t> range(int64_t begin, int64_t end) {
  std::vector<int64_t> r(static_cast<size_t>(end - begin));
  std::iota(r.begin(), r.end(), begin);
  return r;
}

Averages evaluate(ModelState& state, const HostArray& amplitudes, const HostArray& positions, const TF_Tensor* mask,
                  int64_t batchSize) {
  std::shared_lock<std::shared_mutex> reading(state.weightsLock);
  Averages averages;
  const int64_t M = amplitudes.shape[0];
  for (int64_t first = 0; first < M; first += batchSize) {
    const auto rows = range(first, std::min(M, first + batchSize));
    auto x = gatherRows(amplitudes, rows), p = gatherRows(positions, rows);
    averages.add(state.model.evaluate({x.get(), p.get(), mask}), static_cast<int64_t>(rows.size()));
  }
  return averages;
}

}  // namespace

training::TrainResult train(ModelState& state, const TrainData& data, const training::TrainOptions& options,
                            ProgressSink& sink) {
  auto& model = state.model;
  std::mt19937_64 rng(options.seed);
  const auto parts = split(data, options, rng);
  const auto mask = data.mask.shape.empty() ? TensorPtr(nullptr, TF_DeleteTensor) : tensorFrom(data.mask);
  const TF_Tensor* maskTensor = mask ? mask.get() : model.allGood();
  const int64_t M = parts.amplitudes.shape[0];
  const int64_t C = parts.amplitudes.shape[1];
  const int64_t batches = (M + options.batchSize - 1) / options.batchSize;
  training::PlateauSchedule schedule(options);
  training::TrainResult result;
  {
    std::unique_lock<std::shared_mutex> writing(state.weightsLock);
    model.resetOptimizer();
  }
  if (parts.hasValidation()) {
    auto before = evaluate(state, parts.validationAmplitudes, parts.validationPositions, maskTensor, options.batchSize);
    result.initialValidationLoss = before.mean(before.loss);
    result.initialValidationNll = before.mean(before.nll);
  }

  int64_t step = 0;
  for (int64_t epoch = 1; epoch <= options.epochs && !result.aborted; ++epoch) {
    const auto epochStart = Clock::now();
    const auto order = training::shuffled(M, rng);
    Averages averages;
    for (int64_t b = 0; b < batches; ++b) {
      if (state.abort.load()) {
        result.aborted = true;
        break;
      }
      const auto begin = order.begin() + b * options.batchSize;
      const std::vector<int64_t> rows(begin, begin + std::min(options.batchSize, M - b * options.batchSize));
      auto x = gatherRows(parts.amplitudes, rows), p = gatherRows(parts.positions, rows);
      LossParts loss;
      {
        std::unique_lock<std::shared_mutex> writing(state.weightsLock);
        loss = model.trainStep({x.get(), p.get(), maskTensor}, {schedule.learningRate(), ++step});
      }
      const auto n = static_cast<int64_t>(rows.size());
      averages.add(loss, n);
      const double elapsed = std::chrono::duration<double>(Clock::now() - epochStart).count();
      sink.batch({epoch, b + 1, batches, loss.total, loss.nll, loss.mae, schedule.learningRate(),
                  static_cast<double>(averages.count) / elapsed});
    }
    if (result.aborted && averages.count == 0) break;
    training::EpochRecord record{epoch,
                                 averages.mean(averages.loss),
                                 averages.mean(averages.nll),
                                 averages.mean(averages.mae),
                                 std::nan(""),
                                 std::nan(""),
                                 schedule.learningRate(),
                                 0,
                                 0};
    if (parts.hasValidation() && !result.aborted) {
      auto val = evaluate(state, parts.validationAmplitudes, parts.validationPositions, maskTensor, options.batchSize);
      record.validationLoss = val.mean(val.loss);
      record.validationNll = val.mean(val.nll);
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
    record.patternsPerSecond = static_cast<double>(averages.count * C) / record.seconds;
    result.history.push_back(record);
    sink.epoch(record);
    if (result.aborted) break;

    // Reduce-on-plateau and early stopping watch the validation loss when there is one.
    schedule.observe(std::isnan(record.validationLoss) ? record.loss : record.validationLoss);
    result.stoppedEarly = schedule.stopNow();
    if (options.checkpointEvery > 0 && epoch % options.checkpointEvery == 0) {
      std::shared_lock<std::shared_mutex> reading(state.weightsLock);
      sink.checkpoint(epoch, model.state(), false);
    }
    if (result.stoppedEarly) break;
  }
  if (result.aborted) {
    std::shared_lock<std::shared_mutex> reading(state.weightsLock);
    sink.checkpoint(result.history.empty() ? 0 : result.history.back().epoch, model.state(), true);
  }
  return result;
}

}  // namespace ptychopinn::tf

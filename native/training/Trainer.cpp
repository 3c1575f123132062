#include "training/Trainer.h"

#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <random>

#include "training/PlateauSchedule.h"
#include "training/SeededOrder.h"

namespace ptychopinn::training {
namespace {

using Clock = std::chrono::steady_clock;

torch::Tensor indexTensor(const std::vector<int64_t>& order, size_t begin, size_t end) {
  return torch::tensor(std::vector<int64_t>(order.begin() + begin, order.begin() + end), torch::kInt64);
}

struct Split {
  torch::Tensor amplitudes, positions, validationAmplitudes, validationPositions;
};

// Explicit validation data wins; otherwise a seeded fraction of the training set.
Split split(const TrainData& data, const TrainOptions& options, std::mt19937_64& rng) {
  if (data.validationAmplitudes.defined()) {
    return {data.amplitudes, data.positions, data.validationAmplitudes, data.validationPositions};
  }
  auto indices = splitIndices(data.amplitudes.size(0), options.validationFraction, rng);
  if (indices.validation.empty()) return {data.amplitudes, data.positions, {}, {}};
  auto val = indexTensor(indices.validation, 0, indices.validation.size());
  auto train = indexTensor(indices.training, 0, indices.training.size());
  return {data.amplitudes.index_select(0, train), data.positions.index_select(0, train),
          data.amplitudes.index_select(0, val), data.positions.index_select(0, val)};
}

struct Averages {
  double loss = 0, nll = 0, mae = 0;
  int64_t count = 0;
  void add(const model::LossParts& parts, int64_t n) {
    loss += parts.total.item<double>() * static_cast<double>(n);
    nll += parts.nll.item<double>() * static_cast<double>(n);
    mae += parts.mae.item<double>() * static_cast<double>(n);
    count += n;
  }
  double mean(double sum) const { return count ? sum / static_cast<double>(count) : std::nan(""); }
};

Averages evaluate(model::PtychoPINN& model, std::shared_mutex& lock, const torch::Tensor& amplitudes,
                  const torch::Tensor& positions, const torch::Tensor& mask, int64_t batchSize) {
  torch::NoGradGuard noGrad;
  std::shared_lock<std::shared_mutex> reading(lock);
  Averages averages;
  for (int64_t first = 0; first < amplitudes.size(0); first += batchSize) {
    const int64_t n = std::min(batchSize, amplitudes.size(0) - first);
    averages.add(model->objective(amplitudes.narrow(0, first, n), positions.narrow(0, first, n), mask), n);
  }
  return averages;
}

}  // namespace

StateDict copyState(model::PtychoPINN& model) {
  StateDict state;
  for (const auto& item : model->named_parameters(true))
    state[item.key()] = item.value().detach().to(torch::kCPU).clone();
  for (const auto& item : model->named_buffers(true)) state[item.key()] = item.value().detach().to(torch::kCPU).clone();
  return state;
}

TrainResult train(model::PtychoPINN& model, std::shared_mutex& weightsLock, const TrainData& data,
                  const TrainOptions& options, ProgressSink& sink, const std::atomic<bool>& abort) {
  std::mt19937_64 rng(options.seed);
  auto device = model->parameters().front().device();
  auto parts = split(data, options, rng);
  auto amplitudes = parts.amplitudes.to(device), positions = parts.positions.to(device);
  auto valAmplitudes = parts.validationAmplitudes.defined() ? parts.validationAmplitudes.to(device) : torch::Tensor();
  auto valPositions = parts.validationPositions.defined() ? parts.validationPositions.to(device) : torch::Tensor();
  auto mask = data.mask.defined() ? data.mask.to(device) : torch::Tensor();

  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(options.learningRate));
  PlateauSchedule schedule(options);
  const int64_t M = amplitudes.size(0);
  const int64_t batches = (M + options.batchSize - 1) / options.batchSize;
  TrainResult result;
  if (valAmplitudes.defined()) {
    model->eval();
    auto before = evaluate(model, weightsLock, valAmplitudes, valPositions, mask, options.batchSize);
    result.initialValidationLoss = before.mean(before.loss);
    result.initialValidationNll = before.mean(before.nll);
  }

  for (int64_t epoch = 1; epoch <= options.epochs && !result.aborted; ++epoch) {
    auto epochStart = Clock::now();
    auto order = shuffled(M, rng);
    Averages averages;
    model->train();
    for (int64_t b = 0; b < batches; ++b) {
      if (abort.load()) {
        result.aborted = true;
        break;
      }
      const auto begin = static_cast<size_t>(b * options.batchSize);
      const auto end = std::min(order.size(), begin + static_cast<size_t>(options.batchSize));
      auto index = indexTensor(order, begin, end).to(device);
      model::LossParts lossParts;
      {
        std::unique_lock<std::shared_mutex> writing(weightsLock);
        optimizer.zero_grad();
        lossParts = model->objective(amplitudes.index_select(0, index), positions.index_select(0, index), mask);
        lossParts.total.backward();
        optimizer.step();
      }
      averages.add(lossParts, static_cast<int64_t>(end - begin));
      const double elapsed = std::chrono::duration<double>(Clock::now() - epochStart).count();
      sink.batch({epoch, b + 1, batches, lossParts.total.item<double>(), lossParts.nll.item<double>(),
                  lossParts.mae.item<double>(), schedule.learningRate(),
                  static_cast<double>(averages.count) / elapsed});
    }
    if (result.aborted && averages.count == 0) break;
    model->eval();
    EpochRecord record{epoch,
                       averages.mean(averages.loss),
                       averages.mean(averages.nll),
                       averages.mean(averages.mae),
                       std::nan(""),
                       std::nan(""),
                       schedule.learningRate(),
                       0,
                       0};
    if (valAmplitudes.defined() && !result.aborted) {
      auto val = evaluate(model, weightsLock, valAmplitudes, valPositions, mask, options.batchSize);
      record.validationLoss = val.mean(val.loss);
      record.validationNll = val.mean(val.nll);
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
    record.patternsPerSecond = static_cast<double>(averages.count * amplitudes.size(1)) / record.seconds;
    result.history.push_back(record);
    sink.epoch(record);
    if (result.aborted) break;

    // Reduce-on-plateau and early stopping watch the validation loss when there is one.
    schedule.observe(std::isnan(record.validationLoss) ? record.loss : record.validationLoss);
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(schedule.learningRate());
    }
    result.stoppedEarly = schedule.stopNow();
    if (options.checkpointEvery > 0 && epoch % options.checkpointEvery == 0) {
      std::shared_lock<std::shared_mutex> reading(weightsLock);
      sink.checkpoint(epoch, copyState(model), false);
    }
    if (result.stoppedEarly) break;
  }
  if (result.aborted) {
    std::shared_lock<std::shared_mutex> reading(weightsLock);
    sink.checkpoint(result.history.empty() ? 0 : result.history.back().epoch, copyState(model), true);
  }
  model->eval();
  return result;
}

}  // namespace ptychopinn::training

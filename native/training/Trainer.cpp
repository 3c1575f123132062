#include "training/Trainer.h"

#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <random>

#include "training/Distributed.h"
#include "training/PlateauSchedule.h"
#include "training/SeededOrder.h"
#include "training/Sharding.h"

namespace ptychopinn::training {
namespace {

using Clock = std::chrono::steady_clock;

torch::Tensor indexTensor(const std::vector<int64_t>& order, int64_t begin, int64_t end) {
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
  auto val = indexTensor(indices.validation, 0, static_cast<int64_t>(indices.validation.size()));
  auto train = indexTensor(indices.training, 0, static_cast<int64_t>(indices.training.size()));
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

  // The sums over every rank's groups.
  Averages overRanks(TrainingGroup& group, torch::Device device) const {
    if (group.worldSize() == 1) return *this;
    auto sums = torch::tensor({loss, nll, mae, static_cast<double>(count)}, torch::kFloat64).to(device);
    group.sum(sums);
    sums = sums.to(torch::kCPU);
    return {sums[0].item<double>(), sums[1].item<double>(), sums[2].item<double>(), sums[3].item<int64_t>()};
  }
};

// Each rank evaluates its part of the validation groups; the means are over all of them.
Averages evaluate(model::PtychoPINN& model, std::shared_mutex& lock, const torch::Tensor& amplitudes,
                  const torch::Tensor& positions, const torch::Tensor& mask, int64_t batchSize, TrainingGroup& group) {
  Averages averages;
  {
    torch::NoGradGuard noGrad;
    std::shared_lock<std::shared_mutex> reading(lock);
    const auto part = rankPart(amplitudes.size(0), group.worldSize(), group.rank());
    for (int64_t first = part.begin; first < part.end; first += batchSize) {
      const int64_t n = std::min(batchSize, part.end - first);
      averages.add(model->objective(amplitudes.narrow(0, first, n), positions.narrow(0, first, n), mask), n);
    }
  }
  return averages.overRanks(group, amplitudes.device());
}

// Ranks that disagree on the data or the settings would pair up the wrong collectives
// (or none): refuse before the first step.
void requireSameRun(TrainingGroup& group, torch::Device device,
                    const std::vector<std::pair<const char*, double>>& run) {
  if (group.worldSize() == 1) return;
  std::vector<double> mine;
  for (const auto& item : run) mine.push_back(item.second);
  auto first = torch::tensor(mine, torch::kFloat64).to(device);
  group.broadcastFromFirstRank(first);
  first = first.to(torch::kCPU);
  for (size_t i = 0; i < run.size(); ++i) {
    const double theirs = first[static_cast<int64_t>(i)].item<double>();
    if (theirs != mine[i]) {
      throw std::runtime_error(std::string(run[i].first) + " is " + std::to_string(static_cast<int64_t>(mine[i])) +
                               " on rank " + std::to_string(group.rank()) + " but " +
                               std::to_string(static_cast<int64_t>(theirs)) +
                               " on rank 0: every rank must load the same data with the same configuration");
    }
  }
}

// Every rank starts from rank 0's weights (they agree already when the seeds and
// bundles do; this makes it so).
void startFromFirstRank(model::PtychoPINN& model, std::shared_mutex& weightsLock, TrainingGroup& group) {
  if (group.worldSize() == 1) return;
  torch::NoGradGuard noGrad;
  std::unique_lock<std::shared_mutex> writing(weightsLock);
  auto sync = [&](torch::Tensor tensor) {
    auto values = tensor.contiguous();
    group.broadcastFromFirstRank(values);
    if (!values.is_same(tensor)) tensor.copy_(values);
  };
  for (auto& parameter : model->parameters()) sync(parameter);
  for (auto& buffer : model->buffers()) sync(buffer);
}

// The gradients of this step averaged over every rank's groups: each rank's gradient
// of its mean loss, weighted by its group count, summed and divided by the total —
// the gradient of the mean loss over the whole global batch, which is what one
// process taking that batch computes (the objective is a mean over groups and
// pixels). The stop requests travel in the same all-reduce; returns false when any
// rank asked to stop, and then no rank steps.
bool averageGradients(std::vector<torch::Tensor>& trainable, int64_t groups, bool stopping, TrainingGroup& group) {
  if (group.worldSize() == 1) return !stopping;
  // The parameters' dtype and device (the collective runs there), without autograd.
  const auto options = trainable.front().options().requires_grad(false);
  std::vector<torch::Tensor> pieces;
  for (const auto& parameter : trainable) {
    const auto& grad = parameter.grad();
    pieces.push_back(grad.defined() ? grad.detach().flatten() * static_cast<double>(groups)
                                    : torch::zeros({parameter.numel()}, options));
  }
  pieces.push_back(torch::tensor({static_cast<double>(groups), stopping ? 1.0 : 0.0}, options));
  auto buffer = torch::cat(pieces);
  group.sum(buffer);
  const auto totals = buffer.narrow(0, buffer.size(0) - 2, 2).to(torch::kCPU, torch::kFloat64);
  if (totals[1].item<double>() > 0) return false;
  const double total = totals[0].item<double>();
  int64_t offset = 0;
  for (auto& parameter : trainable) {
    const int64_t n = parameter.numel();
    parameter.mutable_grad() = buffer.narrow(0, offset, n).view_as(parameter) / total;
    offset += n;
  }
  return true;
}

TrainResult trainReplica(model::PtychoPINN& model, std::shared_mutex& weightsLock, const TrainData& data,
                         const TrainOptions& options, ProgressSink& sink, const std::atomic<bool>& abort,
                         TrainingGroup& group) {
  auto device = model->parameters().front().device();
  std::mt19937_64 rng(options.seed);
  auto parts = split(data, options, rng);
  auto amplitudes = parts.amplitudes.to(device), positions = parts.positions.to(device);
  auto valAmplitudes = parts.validationAmplitudes.defined() ? parts.validationAmplitudes.to(device) : torch::Tensor();
  auto valPositions = parts.validationPositions.defined() ? parts.validationPositions.to(device) : torch::Tensor();
  auto mask = data.mask.defined() ? data.mask.to(device) : torch::Tensor();
  const int64_t M = amplitudes.size(0);
  const int64_t worldSize = group.worldSize(), rank = group.rank();

  std::vector<torch::Tensor> trainable;
  for (const auto& parameter : model->parameters()) {
    if (parameter.requires_grad()) trainable.push_back(parameter);
  }
  requireSameRun(
      group, device,
      {{"the number of training groups", static_cast<double>(M)},
       {"the number of validation groups", static_cast<double>(valAmplitudes.defined() ? valAmplitudes.size(0) : 0)},
       {"the batch size", static_cast<double>(options.batchSize)},
       {"the number of epochs", static_cast<double>(options.epochs)},
       {"the seed", static_cast<double>(options.seed)},
       {"the number of trainable parameters", static_cast<double>(trainable.size())}});
  startFromFirstRank(model, weightsLock, group);

  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(options.learningRate));
  PlateauSchedule schedule(options);
  const int64_t batches = batchesPerEpoch(M, options.batchSize);
  TrainResult result;
  if (valAmplitudes.defined()) {
    model->eval();
    auto before = evaluate(model, weightsLock, valAmplitudes, valPositions, mask, options.batchSize, group);
    result.initialValidationLoss = before.mean(before.loss);
    result.initialValidationNll = before.mean(before.nll);
  }

  for (int64_t epoch = 1; epoch <= options.epochs && !result.aborted; ++epoch) {
    auto epochStart = Clock::now();
    const auto order = shuffled(M, rng);
    Averages averages;
    model->train();
    for (int64_t b = 0; b < batches; ++b) {
      const auto piece = rankPieceOfBatch(M, options.batchSize, b, worldSize, rank);
      const bool stopping = abort.load();
      model::LossParts lossParts;
      {
        std::unique_lock<std::shared_mutex> writing(weightsLock);
        optimizer.zero_grad();
        if (!stopping && piece.size() > 0) {
          auto index = indexTensor(order, piece.begin, piece.end).to(device);
          lossParts = model->objective(amplitudes.index_select(0, index), positions.index_select(0, index), mask);
          lossParts.total.backward();
        }
        if (!averageGradients(trainable, piece.size(), stopping, group)) {
          result.aborted = true;
          break;
        }
        optimizer.step();
      }
      // A rank whose piece of the (last, short) batch is empty only helped average.
      if (piece.size() == 0) continue;
      averages.add(lossParts, piece.size());
      const double elapsed = std::chrono::duration<double>(Clock::now() - epochStart).count();
      sink.batch({epoch, b + 1, batches, lossParts.total.item<double>(), lossParts.nll.item<double>(),
                  lossParts.mae.item<double>(), schedule.learningRate(),
                  static_cast<double>(averages.count) / elapsed});
    }
    averages = averages.overRanks(group, device);
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
      auto val = evaluate(model, weightsLock, valAmplitudes, valPositions, mask, options.batchSize, group);
      record.validationLoss = val.mean(val.loss);
      record.validationNll = val.mean(val.nll);
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
    record.patternsPerSecond = static_cast<double>(averages.count * amplitudes.size(1)) / record.seconds;
    result.history.push_back(record);
    sink.epoch(record);
    if (result.aborted) break;

    // Reduce-on-plateau and early stopping watch the validation loss when there is
    // one; every rank sees the same (global) losses and so takes the same decisions.
    schedule.observe(std::isnan(record.validationLoss) ? record.loss : record.validationLoss);
    for (auto& paramGroup : optimizer.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(paramGroup.options()).lr(schedule.learningRate());
    }
    result.stoppedEarly = schedule.stopNow();
    if (rank == 0 && options.checkpointEvery > 0 && epoch % options.checkpointEvery == 0) {
      std::shared_lock<std::shared_mutex> reading(weightsLock);
      sink.checkpoint(epoch, copyState(model), false);
    }
    if (result.stoppedEarly) break;
  }
  if (result.aborted && rank == 0) {
    std::shared_lock<std::shared_mutex> reading(weightsLock);
    sink.checkpoint(result.history.empty() ? 0 : result.history.back().epoch, copyState(model), true);
  }
  model->eval();
  return result;
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
  TrainingGroup group(options.distributed, model->parameters().front().device());
  try {
    return trainReplica(model, weightsLock, data, options, sink, abort, group);
  } catch (const DistributedError& error) {
    group.leaveAfterFailure(error.what(), false);
    throw;
  } catch (const std::exception& error) {
    group.leaveAfterFailure(briefError(error), true);
    throw;
  }
}

}  // namespace ptychopinn::training

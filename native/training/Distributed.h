// The ranks that train one model together (data parallelism) through LibTorch's
// c10d: a TCPStore hosted by rank 0 (or the launcher) for the rendezvous, ProcessGroupGloo for CPU
// tensors, ProcessGroupNCCL for CUDA tensors (in builds whose LibTorch has them).
// A collective that fails — a rank died, hangs past the timeout, or the store went
// away — throws a DistributedError that names the rank at fault and why (RankHealth).
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "training/TrainOptions.h"

namespace ptychopinn::training {

struct DistributedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The message of `error` without LibTorch's backtrace or gloo's source location.
std::string briefError(const std::exception& error);

// The c10d backends compiled into this build ("gloo", "nccl"); empty when none.
std::vector<std::string> distributedBackends();
// Why this build has no Gloo backend ("" when it has).
std::string distributedUnavailableReason();

class TrainingGroup {
 public:
  // Joins the run `options` describe, with collectives on `device`: NCCL for a CUDA
  // device, Gloo for the CPU. A world of one joins nothing and every collective is
  // the identity.
  TrainingGroup(const DistributedOptions& options, torch::Device device);
  ~TrainingGroup();
  TrainingGroup(const TrainingGroup&) = delete;
  TrainingGroup& operator=(const TrainingGroup&) = delete;

  int64_t rank() const { return rank_; }
  int64_t worldSize() const { return worldSize_; }

  // In place, on every rank: the element-wise sum over the ranks.
  void sum(torch::Tensor& values);
  // In place: rank 0's values on every rank.
  void broadcastFromFirstRank(torch::Tensor& values);
  // This rank stops because of `why` (its own failure when causedHere, else one it
  // diagnosed in another rank): the other ranks are told (they name it in their own
  // error) and released from the collectives they wait in.
  void leaveAfterFailure(const std::string& why, bool causedHere) noexcept;

 private:
  struct Connection;  // store, process group and heartbeat; absent in a world of one
  int64_t rank_, worldSize_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace ptychopinn::training

// One training run's settings (reference §6 defaults), as the JS engine layer builds
// them from the validated configuration. Shared by every engine's trainer.
#pragma once
#include <cstdint>
#include <string>

namespace ptychopinn::training {

// Where this process stands in a data-parallel run, as PyTorch's launchers describe
// it (WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT); the JS layer reads the environment.
// Only the LibTorch engine trains in more than one process (training/Distributed.h).
struct DistributedOptions {
  int64_t worldSize = 1;
  int64_t rank = 0;
  std::string masterAddress;  // host of the TCPStore
  int64_t masterPort = 0;
  // torchrun's agent already hosts a store at that address (TORCHELASTIC_USE_AGENT_STORE):
  // rank 0 connects to it like the others instead of hosting one.
  bool launcherHostsStore = false;
  // Keys of this run are kept under it (torchrun: one prefix per restart attempt).
  std::string storePrefix;
  // Bound on joining and on every collective: a rank that hangs is reported after it.
  double timeoutSeconds = 120;
  // Network interface Gloo binds to (GLOO_SOCKET_IFNAME); empty: this host's name,
  // or the loopback interface when the master address is a loopback one.
  std::string socketInterface;
};

struct TrainOptions {
  int64_t epochs = 50;
  int64_t batchSize = 16;
  double learningRate = 1e-3;
  double validationFraction = 0.05;  // used when no validation data is given
  int64_t plateauPatience = 2;
  double plateauFactor = 0.5;
  double minLearningRate = 1e-4;
  int64_t earlyStoppingPatience = 0;  // 0: off
  int64_t checkpointEvery = 0;        // epochs; 0: only on abort
  uint64_t seed = 0;
  DistributedOptions distributed;  // a world of one by default
};

// Asserts what the loops rely on (std::logic_error, "internal error").
void checkInvariants(const TrainOptions& options);

}  // namespace ptychopinn::training

#include "training/Distributed.h"

#if PTYCHOPINN_WITH_GLOO
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "training/RankHealth.h"
#endif
#if PTYCHOPINN_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <c10/util/Exception.h>

#include <chrono>

namespace ptychopinn::training {

std::vector<std::string> distributedBackends() {
  std::vector<std::string> backends;
  if (PTYCHOPINN_WITH_GLOO) backends.emplace_back("gloo");
  if (PTYCHOPINN_WITH_NCCL) backends.emplace_back("nccl");
  return backends;
}

std::string distributedUnavailableReason() { return PTYCHOPINN_WITHOUT_GLOO_REASON; }

std::string briefError(const std::exception& error) {
  auto* c10 = dynamic_cast<const c10::Error*>(&error);
  std::string text = c10 ? c10->what_without_backtrace() : error.what();
  // gloo's messages start with their source location ("[/path/pair.cc:553] ") and
  // follow the first sentence with generic advice: keep that sentence alone.
  if (!text.empty() && text.front() == '[' && text.find("] ") != std::string::npos) {
    text.erase(0, text.find("] ") + 2);
    text = text.substr(0, text.find(". "));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '.')) text.pop_back();
  return text;
}

#if PTYCHOPINN_WITH_GLOO
namespace {

std::chrono::milliseconds timeoutOf(const DistributedOptions& options) {
  return std::chrono::milliseconds(static_cast<int64_t>(options.timeoutSeconds * 1000));
}

std::string storeAddressOf(const DistributedOptions& options) {
  return options.masterAddress + ":" + std::to_string(options.masterPort);
}

bool isLoopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// Rank 0 hosts the store unless the launcher does (and holds a client connection to
// it, as every rank does). `timeout` bounds connecting and each operation.
c10::intrusive_ptr<c10d::Store> connectToStore(const DistributedOptions& options, bool host,
                                               std::chrono::milliseconds timeout) {
  c10d::TCPStoreOptions storeOptions;
  storeOptions.port = static_cast<std::uint16_t>(options.masterPort);
  storeOptions.isServer = host;
  storeOptions.numWorkers = static_cast<std::size_t>(options.worldSize);
  // RankHealth waits for the others itself, so that it can name the ones missing.
  storeOptions.waitWorkers = false;
  storeOptions.timeout = timeout;
  try {
    c10::intrusive_ptr<c10d::Store> store = c10::make_intrusive<c10d::TCPStore>(options.masterAddress, storeOptions);
    if (options.storePrefix.empty()) return store;
    return c10::make_intrusive<c10d::PrefixStore>(options.storePrefix, store);
  } catch (const std::exception& error) {
    if (host) {
      throw DistributedError("rank 0 cannot host the store at " + storeAddressOf(options) + ": " + briefError(error));
    }
    throw DistributedError(
        "rank " + std::to_string(options.rank) + " cannot reach the store at " + storeAddressOf(options) +
        (options.launcherHostsStore ? " (hosted by the launcher)" : " (hosted by rank 0)") + " within " +
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s: " + briefError(error));
  }
}

std::shared_ptr<::gloo::transport::Device> glooDevice(const DistributedOptions& options) {
  if (!options.socketInterface.empty())
    return c10d::ProcessGroupGloo::createDeviceForInterface(options.socketInterface);
  // Every rank on this machine: the loopback interface is the one they all reach.
  if (isLoopback(options.masterAddress)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

struct TrainingGroup::Connection {
  c10::intrusive_ptr<c10d::Store> store;
  std::unique_ptr<RankHealth> health;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#if PTYCHOPINN_WITH_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  std::string where;  // "rank r of w", for errors
  bool hostsStore = false;

  // Runs `collective` on the process group; a failure becomes a DistributedError
  // naming the rank at fault.
  template <typename Collective>
  void run(const char* name, Collective&& collective) {
    try {
#if PTYCHOPINN_WITH_NCCL
      if (nccl) return collective(*nccl);
#endif
      collective(*gloo);
    } catch (const DistributedError&) {
      throw;
    } catch (const std::exception& error) {
      throw DistributedError("distributed training stopped on " + where + ": " + health->diagnose() + " (" + name +
                             ": " + briefError(error) + ")");
    }
  }
};

TrainingGroup::TrainingGroup(const DistributedOptions& options, torch::Device device)
    : rank_(options.rank), worldSize_(options.worldSize) {
  if (worldSize_ == 1) return;
  if (device.is_cuda() && !PTYCHOPINN_WITH_NCCL) {
    throw DistributedError("training on " + device.str() +
                           " in more than one process needs NCCL, which this build lacks (a CUDA LibTorch with c10d "
                           "NCCL and nccl.h at build time); train on the CPU (device cpu) for Gloo");
  }
  auto connection = std::make_unique<Connection>();
  connection->where = "rank " + std::to_string(rank_) + " of " + std::to_string(worldSize_);
  connection->hostsStore = rank_ == 0 && !options.launcherHostsStore;
  connection->store = connectToStore(options, connection->hostsStore, timeoutOf(options));
  connection->health =
      std::make_unique<RankHealth>(connection->store, connectToStore(options, false, RankHealth::kStoreTimeout),
                                   connectToStore(options, false, RankHealth::kStoreTimeout), rank_, worldSize_,
                                   storeAddressOf(options), !options.launcherHostsStore);
  connection->health->awaitEveryRank(timeoutOf(options));
  try {
#if PTYCHOPINN_WITH_NCCL
    if (device.is_cuda()) {
      auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
      ncclOptions->timeout = timeoutOf(options);
      connection->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(connection->store, static_cast<int>(rank_),
                                                                     static_cast<int>(worldSize_), ncclOptions);
    }
#endif
    if (!device.is_cuda()) {
      auto glooOptions = c10d::ProcessGroupGloo::Options::create(timeoutOf(options));
      glooOptions->devices.push_back(glooDevice(options));
      connection->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(connection->store, static_cast<int>(rank_),
                                                                     static_cast<int>(worldSize_), glooOptions);
    }
  } catch (const std::exception& error) {
    throw DistributedError("distributed training could not start on " + connection->where + ": " +
                           connection->health->diagnose() + " (process group: " + briefError(error) + ")");
  }
  connection_ = std::move(connection);
}

TrainingGroup::~TrainingGroup() = default;

void TrainingGroup::sum(torch::Tensor& values) {
  if (!connection_) return;
  connection_->run("all-reduce", [&](auto& group) {
    std::vector<at::Tensor> tensors{values};
    c10d::AllreduceOptions sumOptions;
    sumOptions.reduceOp = c10d::ReduceOp::SUM;
    group.allreduce(tensors, sumOptions)->wait();
  });
}

void TrainingGroup::broadcastFromFirstRank(torch::Tensor& values) {
  if (!connection_) return;
  connection_->run("broadcast", [&](auto& group) {
    std::vector<at::Tensor> tensors{values};
    c10d::BroadcastOptions fromFirst;
    fromFirst.rootRank = 0;
    group.broadcast(tensors, fromFirst)->wait();
  });
}

void TrainingGroup::leaveAfterFailure(const std::string& why, bool causedHere) noexcept {
  if (!connection_) return;
  connection_->health->leaveNote(why, causedHere);
  // Closing the process group's connections releases the ranks waiting in a
  // collective with this one at once, rather than after the timeout.
  connection_->gloo.reset();
#if PTYCHOPINN_WITH_NCCL
  connection_->nccl.reset();
#endif
  if (connection_->hostsStore) connection_->health->holdStoreForNotes();
}

#else  // no c10d Gloo in this build

struct TrainingGroup::Connection {};

TrainingGroup::TrainingGroup(const DistributedOptions& options, torch::Device)
    : rank_(options.rank), worldSize_(options.worldSize) {
  if (worldSize_ == 1) return;
  throw DistributedError("this build of the addon cannot train in more than one process (WORLD_SIZE " +
                         std::to_string(worldSize_) + "): " + distributedUnavailableReason());
}

TrainingGroup::~TrainingGroup() = default;
void TrainingGroup::sum(torch::Tensor&) {}
void TrainingGroup::broadcastFromFirstRank(torch::Tensor&) {}
void TrainingGroup::leaveAfterFailure(const std::string&, bool) noexcept {}

#endif

}  // namespace ptychopinn::training

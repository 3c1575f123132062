#include "training/RankHealth.h"
#if PTYCHOPINN_WITH_GLOO
#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "training/Distributed.h"

namespace ptychopinn::training {
namespace {

std::string key(const std::string& kind, int64_t rank) { return "ptychopinn/" + kind + "/" + std::to_string(rank); }

std::string rankList(const std::vector<int64_t>& ranks) {
  std::string text = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(ranks[i]);
  return text;
}

// A rank's own failure wins over a silent rank, which wins over a relayed diagnosis.
constexpr const char* kOwnFailure = "failure";
constexpr const char* kRelayedFailure = "relayed";

// Runs `inquiry` on a thread of its own and waits for it until `deadline`. The thread
// is left behind when the store host stopped answering (it ends when the process or
// the host's connection does); the caller gets no value and `failure` says why.
template <typename Result>
std::optional<Result> untilDeadline(std::function<Result()> inquiry, std::chrono::milliseconds deadline,
                                    std::string& failure) {
  struct Pending {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<Result> value;
    std::string error;
    bool finished = false;
  };
  auto pending = std::make_shared<Pending>();
  std::thread([pending, inquiry = std::move(inquiry)] {
    std::optional<Result> value;
    std::string error;
    try {
      value = inquiry();
    } catch (const std::exception& e) {
      error = briefError(e);
    }
    std::lock_guard<std::mutex> lock(pending->mutex);
    pending->value = std::move(value);
    pending->error = std::move(error);
    pending->finished = true;
    pending->done.notify_all();
  }).detach();
  std::unique_lock<std::mutex> lock(pending->mutex);
  if (!pending->done.wait_for(lock, deadline, [&] { return pending->finished; })) {
    failure =
        "no answer within " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(deadline).count()) + " s";
    return std::nullopt;
  }
  if (!pending->value) failure = pending->error;
  return std::move(pending->value);
}

}  // namespace

// Shared with the beating thread, which outlives RankHealth when it is stuck in a
// store operation on a host that stopped answering.
struct RankHealth::Heartbeat {
  c10::intrusive_ptr<c10d::Store> store;
  std::string key;
  std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  bool finished = false;

  static void beat(const std::shared_ptr<Heartbeat>& self) {
    std::unique_lock<std::mutex> lock(self->mutex);
    while (!self->stopping) {
      lock.unlock();
      bool stored = true;
      try {
        self->store->add(self->key, 1);
      } catch (const std::exception&) {
        stored = false;  // the store is gone: collectives and diagnose() report it
      }
      lock.lock();
      if (!stored) break;
      self->changed.wait_for(lock, kHeartbeatInterval, [&] { return self->stopping; });
    }
    self->finished = true;
    self->changed.notify_all();
  }
};

RankHealth::RankHealth(c10::intrusive_ptr<c10d::Store> joinStore, c10::intrusive_ptr<c10d::Store> heartbeatStore,
                       c10::intrusive_ptr<c10d::Store> inquiryStore, int64_t rank, int64_t worldSize,
                       std::string storeAddress, bool storeOnFirstRank)
    : joinStore_(std::move(joinStore)),
      inquiryStore_(std::move(inquiryStore)),
      heartbeat_(std::make_shared<Heartbeat>()),
      rank_(rank),
      worldSize_(worldSize),
      storeAddress_(std::move(storeAddress)),
      storeOnFirstRank_(storeOnFirstRank) {
  heartbeat_->store = std::move(heartbeatStore);
  heartbeat_->key = key("heartbeat", rank_);
  std::thread([heartbeat = heartbeat_] { Heartbeat::beat(heartbeat); }).detach();
}

RankHealth::~RankHealth() {
  std::unique_lock<std::mutex> lock(heartbeat_->mutex);
  heartbeat_->stopping = true;
  heartbeat_->changed.notify_all();
  // It stops at once unless it is stuck on a store that no longer answers: then it
  // stays behind.
  if (storeFailure_.empty()) {
    heartbeat_->changed.wait_for(lock, kStoreTimeout, [this] { return heartbeat_->finished; });
  }
}

void RankHealth::awaitEveryRank(std::chrono::milliseconds timeout) {
  std::vector<std::string> keys;
  for (int64_t r = 0; r < worldSize_; ++r) keys.push_back(key("heartbeat", r));
  // The ranks that have not beaten, once every rank has or the timeout has passed.
  auto store = joinStore_;
  auto absent = untilDeadline<std::vector<int64_t>>(
      [store, keys, timeout] {
        try {
          store->wait(keys, timeout);
          return std::vector<int64_t>{};
        } catch (const std::exception&) {
          std::vector<int64_t> missing;
          for (size_t r = 0; r < keys.size(); ++r) {
            if (!store->check({keys[r]})) missing.push_back(static_cast<int64_t>(r));
          }
          return missing;
        }
      },
      timeout + kStoreTimeout, storeFailure_);
  if (!absent) {
    throw DistributedError("the store at " + storeAddress_ + " stopped answering while the ranks joined (" +
                           storeFailure_ + ")");
  }
  if (absent->empty()) return;
  throw DistributedError(rankList(*absent) + " did not join within " +
                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                         " s (rendezvous at " + storeAddress_ +
                         "; is every rank started with the same WORLD_SIZE, MASTER_ADDR and MASTER_PORT?)");
}

template <typename Result>
std::optional<Result> RankHealth::ask(std::function<Result(c10d::Store&)> inquiry) {
  if (!storeFailure_.empty()) return std::nullopt;
  auto store = inquiryStore_;
  return untilDeadline<Result>([store, inquiry = std::move(inquiry)] { return inquiry(*store); }, kStoreTimeout,
                               storeFailure_);
}

std::optional<std::vector<int64_t>> RankHealth::beats() {
  const auto worldSize = worldSize_;
  return ask<std::vector<int64_t>>([worldSize](c10d::Store& store) {
    std::vector<int64_t> counts;
    for (int64_t r = 0; r < worldSize; ++r) counts.push_back(store.add(key("heartbeat", r), 0));
    return counts;
  });
}

std::optional<std::vector<std::string>> RankHealth::notes(const std::string& kind) {
  const auto worldSize = worldSize_;
  return ask<std::vector<std::string>>([worldSize, kind](c10d::Store& store) {
    std::vector<std::string> texts;
    for (int64_t r = 0; r < worldSize; ++r) {
      const auto name = key(kind, r);
      auto bytes = store.check({name}) ? store.get(name) : std::vector<uint8_t>();
      texts.emplace_back(bytes.begin(), bytes.end());
    }
    return texts;
  });
}

std::string RankHealth::diagnose() {
  const auto before = beats();
  if (before) std::this_thread::sleep_for(kSilence);
  const auto after = before ? beats() : std::nullopt;
  const auto own = after ? notes(kOwnFailure) : std::nullopt;
  const auto relayed = own ? notes(kRelayedFailure) : std::nullopt;
  if (!relayed) {
    if (!storeOnFirstRank_) {
      return "the store at " + storeAddress_ + ", hosted by the launcher, is unreachable (" + storeFailure_ + ")";
    }
    if (rank_ == 0) return "the store this rank hosts failed (" + storeFailure_ + ")";
    return "rank 0, which hosts the store at " + storeAddress_ + ", is unreachable (" + storeFailure_ +
           "): its process exited, was killed, hangs or lost the network";
  }
  silent_.clear();
  for (int64_t r = 0; r < worldSize_; ++r) {
    const auto i = static_cast<size_t>(r);
    if (r != rank_ && (*own)[i].empty() && (*after)[i] == (*before)[i]) silent_.push_back(r);
  }
  for (int64_t r = 0; r < worldSize_; ++r) {
    const auto& note = (*own)[static_cast<size_t>(r)];
    if (r != rank_ && !note.empty()) return "rank " + std::to_string(r) + " failed: " + note;
  }
  if (!silent_.empty()) {
    return rankList(silent_) + " stopped responding: no heartbeat for " + std::to_string(kSilence.count()) +
           " s (the process exited, was killed or hangs)";
  }
  for (int64_t r = 0; r < worldSize_; ++r) {
    const auto& note = (*relayed)[static_cast<size_t>(r)];
    if (r != rank_ && !note.empty()) return "rank " + std::to_string(r) + " left: " + note;
  }
  return "every rank still beats: the network between them failed";
}

void RankHealth::leaveNote(const std::string& cause, bool causedHere) noexcept {
  const auto name = key(causedHere ? kOwnFailure : kRelayedFailure, rank_);
  const std::string text = cause.empty() ? "unknown error" : cause;
  // Without an answer the others find this rank silent instead.
  ask<bool>([name, text](c10d::Store& store) {
    store.set(name, std::vector<uint8_t>(text.begin(), text.end()));
    return true;
  });
}

void RankHealth::holdStoreForNotes() noexcept {
  const auto deadline = std::chrono::steady_clock::now() + kSilence + kHeartbeatInterval;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto own = notes(kOwnFailure);
    const auto relayed = own ? notes(kRelayedFailure) : std::nullopt;
    if (!relayed) return;
    bool waiting = false;
    for (int64_t r = 1; r < worldSize_; ++r) {
      const auto i = static_cast<size_t>(r);
      const bool knownDead = std::find(silent_.begin(), silent_.end(), r) != silent_.end();
      waiting = waiting || (!knownDead && (*own)[i].empty() && (*relayed)[i].empty());
    }
    if (!waiting) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace ptychopinn::training
#endif

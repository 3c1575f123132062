// Which rank of a data-parallel run stopped, and why. A failed collective itself says
// little ("connection closed by peer 10.0.0.7:41873", "timed out"), so every rank
// keeps a heartbeat counter in the store and leaves a note there when it stops on an
// error. After a failure the survivors read them: a rank whose counter stood still
// for kSilence died or hangs; a note says why a rank left; a store that does not
// answer means its host (rank 0, or the launcher) is gone or hangs.
//
// c10d's TCPStore has no client-side timeout: an operation on a host that stopped
// answering (hung, or its network dropped) blocks for ever, wait() included. So the
// heartbeat has a connection and a thread of its own, every inquiry runs on a thread
// of its own with a deadline (kStoreTimeout), and such threads are left behind rather
// than joined when they are stuck.
#pragma once
#if PTYCHOPINN_WITH_GLOO
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ptychopinn::training {

class RankHealth {
 public:
  static constexpr std::chrono::seconds kHeartbeatInterval{1};
  static constexpr std::chrono::seconds kSilence{3};
  // How long the store may take to answer an inquiry (and the heartbeat thread to
  // stop) before its host counts as unreachable.
  static constexpr std::chrono::seconds kStoreTimeout{5};

  // Three connections to the same store: `joinStore` for the wait until every rank
  // has joined, `heartbeatStore` for the heartbeat thread alone, `inquiryStore` for
  // diagnoses and notes, so that none of them queues behind another.
  // storeOnFirstRank: rank 0 hosts the store (not a launcher such as torchrun).
  RankHealth(c10::intrusive_ptr<c10d::Store> joinStore, c10::intrusive_ptr<c10d::Store> heartbeatStore,
             c10::intrusive_ptr<c10d::Store> inquiryStore, int64_t rank, int64_t worldSize, std::string storeAddress,
             bool storeOnFirstRank);
  ~RankHealth();
  RankHealth(const RankHealth&) = delete;
  RankHealth& operator=(const RankHealth&) = delete;

  // Until every rank has beaten once; throws DistributedError naming those that did
  // not join within `timeout`.
  void awaitEveryRank(std::chrono::milliseconds timeout);
  // After a collective failed: the rank at fault and why. Takes kSilence.
  std::string diagnose();
  // Leaves this rank's note: `cause` is this rank's own failure (causedHere) or one
  // it diagnosed in another rank.
  void leaveNote(const std::string& cause, bool causedHere) noexcept;
  // When rank 0 hosts the store, after a failure it keeps it up (at most kSilence
  // plus a heartbeat) until every rank not known dead has left its note, so that none
  // of them reads "rank 0 is unreachable" instead of the cause.
  void holdStoreForNotes() noexcept;

 private:
  struct Heartbeat;
  // `inquiry` on the inquiry connection within kStoreTimeout; no value (and
  // storeFailure_ set) once the store has not answered.
  template <typename Result>
  std::optional<Result> ask(std::function<Result(c10d::Store&)> inquiry);
  // Every rank's heartbeat count; every rank's note of `kind` ("" for none).
  std::optional<std::vector<int64_t>> beats();
  std::optional<std::vector<std::string>> notes(const std::string& kind);

  c10::intrusive_ptr<c10d::Store> joinStore_, inquiryStore_;
  std::shared_ptr<Heartbeat> heartbeat_;
  int64_t rank_, worldSize_;
  std::string storeAddress_;
  bool storeOnFirstRank_;
  std::string storeFailure_;     // why the store stopped answering; "" while it answers
  std::vector<int64_t> silent_;  // ranks the last diagnosis found without a heartbeat
};

}  // namespace ptychopinn::training
#endif

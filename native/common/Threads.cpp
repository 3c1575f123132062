#include "common/Threads.h"

#include <ATen/Parallel.h>

#include <atomic>

namespace ptychopinn {
namespace {

// 0 until JS sets it (the loader does so on first load).
std::atomic<int> requestedThreads{0};

}  // namespace

void setIntraOpThreads(int threads) {
  requestedThreads = threads;
  at::set_num_threads(threads);
}

void applyIntraOpThreads() {
  const int threads = requestedThreads.load();
  if (threads > 0 && at::get_num_threads() != threads) at::set_num_threads(threads);
}

}  // namespace ptychopinn

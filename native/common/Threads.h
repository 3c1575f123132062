// LibTorch's intra-op thread count. With OpenMP it is per-thread state: a thread
// keeps the count it had when it first ran LibTorch work, so a libuv pool thread
// would never see a later setThreads(). The requested count is recorded here and
// every worker or training thread applies it before its work.
#pragma once

namespace ptychopinn {

// Sets the count for this thread and for every thread that calls applyIntraOpThreads().
void setIntraOpThreads(int threads);
// Brings the calling thread to the requested count (cheap when it already is).
void applyIntraOpThreads();

}  // namespace ptychopinn

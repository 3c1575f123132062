#include "addon/RunningTraining.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace ptychopinn::addon::running {
namespace {

struct Entry {
  uint64_t id;
  napi_env env;
  std::weak_ptr<std::atomic<bool>> abort;
};

// A batch of a large model on a slow CPU takes seconds; past this, exit goes on.
constexpr auto kStopTimeout = std::chrono::seconds(60);

// Allocated once and never freed: a Worker's cleanup hook may run while the
// process is already destroying static objects.
struct Registry {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Entry> entries;
  uint64_t lastId = 0;
};

Registry& registry() {
  static auto* instance = new Registry();
  return *instance;
}

void stopAndWait(napi_env env) {
  auto& r = registry();
  auto ours = [env](const Entry& e) { return e.env == env; };
  std::unique_lock<std::mutex> lock(r.mutex);
  for (auto& e : r.entries) {
    auto abort = e.abort.lock();
    if (abort && ours(e)) *abort = true;
  }
  r.changed.wait_for(lock, kStopTimeout, [&] { return std::none_of(r.entries.begin(), r.entries.end(), ours); });
}

}  // namespace

uint64_t started(napi_env env, std::weak_ptr<std::atomic<bool>> abort) {
  auto& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.entries.push_back({++r.lastId, env, std::move(abort)});
  return r.lastId;
}

void finished(uint64_t id) {
  auto& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    auto& list = r.entries;
    list.erase(std::remove_if(list.begin(), list.end(), [id](const Entry& e) { return e.id == id; }), list.end());
  }
  r.changed.notify_all();
}

void installStops(Napi::Env env) {
  napi_env raw = env;
  env.AddCleanupHook([raw] { stopAndWait(raw); });
  // process 'exit' runs before exit() starts destroying static objects, the
  // engines' and oneDNN's included; an atexit handler would run after some of them.
  auto process = env.Global().Get("process");
  if (!process.IsObject()) return;
  auto on = process.As<Napi::Object>().Get("on");
  if (!on.IsFunction()) return;
  auto stop = Napi::Function::New(env, [](const Napi::CallbackInfo& info) { stopAndWait(info.Env()); });
  on.As<Napi::Function>().Call(process, {Napi::String::New(env, "exit"), stop});
}

}  // namespace ptychopinn::addon::running

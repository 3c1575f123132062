// LibTorch's autocast on the CPU, set for this thread while a guard lives: bfloat16
// convolutions from the float32 weights (and their backward), or plain float32. On
// CPUs with bfloat16 instructions (AVX512-BF16, AMX) oneDNN runs this network's wide
// convolutions about 2x faster in bfloat16; its narrow last ones (1-4 output
// channels) are slower there (the bfloat16 weight-gradient kernel took 10-127 ms for
// 64 → 4 channels at 64², float32 a few), so the network keeps those in float32.
#pragma once
#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace ptychopinn::model {

class Autocast {
 public:
  explicit Autocast(bool bfloat16) {
#if TORCH_VERSION_MAJOR >= 2
    previous_ = at::autocast::is_autocast_enabled(at::kCPU);
    previousType_ = at::autocast::get_autocast_dtype(at::kCPU);
#else
    previous_ = at::autocast::is_cpu_enabled();
    previousType_ = at::autocast::get_autocast_cpu_dtype();
#endif
    set(bfloat16, at::kBFloat16);
    if (bfloat16) at::autocast::increment_nesting();
    entered_ = bfloat16;
  }

  ~Autocast() {
    // Casts of the weights are cached per autocast region; the outermost one drops them.
    if (entered_ && at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set(previous_, previousType_);
  }

  Autocast(const Autocast&) = delete;
  Autocast& operator=(const Autocast&) = delete;

 private:
  static void set(bool enabled, at::ScalarType type) {
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_dtype(at::kCPU, type);
    at::autocast::set_autocast_enabled(at::kCPU, enabled);
#else
    at::autocast::set_autocast_cpu_dtype(type);
    at::autocast::set_cpu_enabled(enabled);
#endif
  }

  bool previous_ = false;
  at::ScalarType previousType_ = at::kBFloat16;
  bool entered_ = false;
};

}  // namespace ptychopinn::model

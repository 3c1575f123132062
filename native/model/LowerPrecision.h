// bfloat16 convolutions for the network on this thread while a guard lives: LibTorch's
// autocast runs them in bfloat16 from the float32 weights. On CPUs with bfloat16
// instructions (AVX512-BF16, AMX) oneDNN infers about 2x faster on this network.
#pragma once
#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace ptychopinn::model {

class LowerPrecision {
 public:
  explicit LowerPrecision(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
#if TORCH_VERSION_MAJOR >= 2
    previous_ = at::autocast::is_autocast_enabled(at::kCPU);
    previousType_ = at::autocast::get_autocast_dtype(at::kCPU);
    at::autocast::set_autocast_dtype(at::kCPU, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCPU, true);
#else
    previous_ = at::autocast::is_cpu_enabled();
    previousType_ = at::autocast::get_autocast_cpu_dtype();
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
#endif
    at::autocast::increment_nesting();
  }

  ~LowerPrecision() {
    if (!enabled_) return;
    // Casts of the weights are cached per autocast region; the outermost one drops them.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_enabled(at::kCPU, previous_);
    at::autocast::set_autocast_dtype(at::kCPU, previousType_);
#else
    at::autocast::set_cpu_enabled(previous_);
    at::autocast::set_autocast_cpu_dtype(previousType_);
#endif
  }

  LowerPrecision(const LowerPrecision&) = delete;
  LowerPrecision& operator=(const LowerPrecision&) = delete;

 private:
  bool enabled_;
  bool previous_ = false;
  at::ScalarType previousType_ = at::kBFloat16;
};

}  // namespace ptychopinn::model

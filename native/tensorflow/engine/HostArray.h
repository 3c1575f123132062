// A float32 array in host memory with its shape: how weights, batches and results
// travel between the TensorFlow engine and its callers, free of any TensorFlow or
// N-API type. Complex arrays hold interleaved (re, im) values with the complex shape.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <vector>

namespace ptychopinn::tf {

struct HostArray {
  std::vector<int64_t> shape;
  std::vector<float> values;
  bool complex = false;

  int64_t elements() const {
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<int64_t>());
  }
};

// Parameters (or their gradients) by the LibTorch engine's names and layouts.
using HostStateDict = std::map<std::string, HostArray>;

}  // namespace ptychopinn::tf

// Physics refinement of a whole object against the measured patterns: the object
// (and optionally the probe) are free variables of the far-field model of reference
// §3 (illumination, far field; no network), fitted to the measured amplitudes by
// Adam over mini-batches of scan positions. Started from the network's stitched
// object, it sharpens what the network predicted with what the data say.
#pragma once
#include <torch/types.h>

#include <atomic>
#include <functional>
#include <vector>

namespace ptychopinn::refine {

struct RefineOptions {
  int64_t iterations = 20;  // passes over every pattern
  int64_t batchSize = 64;
  double learningRate = 0.05;  // Adam step, relative to the mean object amplitude
  bool refineProbe = false;
  double probeLearningRate = 0.01;  // relative to the mean probe amplitude
  int64_t probeStart = 2;           // iterations with the probe held before it moves
  uint64_t seed = 0;
};

struct RefineData {
  torch::Tensor object;      // (H, W) complex64: the starting object
  torch::Tensor probe;       // (N, N) complex64
  torch::Tensor amplitudes;  // (M, N, N) float32: measured amplitudes, DC centred
  torch::Tensor corners;     // (M, 2) float64 [x, y]: object coordinate of each patch's pixel (0, 0)
  torch::Tensor mask;        // (N, N) 1 = good pixel; may be undefined
};

struct RefineIteration {
  int64_t iteration;
  double loss;  // Σ (|F| − A)² / Σ A² over the pass
  double seconds;
};

struct RefineResult {
  torch::Tensor object, probe;
  double scale = 1;           // factor the starting object was scaled by to fit the data's level
  double initialRFactor = 0;  // Σ | |F| − A | / Σ A of the (scaled) starting object
  double finalRFactor = 0;
  std::vector<RefineIteration> history;
  bool aborted = false;
};

using IterationSink = std::function<void(const RefineIteration&)>;

// Returns within one mini-batch once `abort` is set (with the object as it is then).
RefineResult refine(const RefineData& data, const RefineOptions& options, const IterationSink& onIteration,
                    const std::atomic<bool>& abort);

}  // namespace ptychopinn::refine

#include "refine/ObjectRefiner.h"

#include <torch/optim/adam.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "physics/ForwardModel.h"
#include "physics/ObjectPatches.h"

namespace ptychopinn::refine {
namespace {

using Clock = std::chrono::steady_clock;

struct Batch {
  torch::Tensor corners, amplitudes;
};

class Problem {
 public:
  Problem(const RefineData& data) : data_(data), N_(data.amplitudes.size(-1)) {
    mask_ = data.mask.defined() ? data.mask.to(torch::kFloat32) : torch::ones({N_, N_});
  }

  int64_t size() const { return data_.amplitudes.size(0); }

  Batch batch(const torch::Tensor& index) const {
    return {data_.corners.index_select(0, index), data_.amplitudes.index_select(0, index)};
  }
  Batch range(int64_t first, int64_t count) const {
    return {data_.corners.narrow(0, first, count), data_.amplitudes.narrow(0, first, count)};
  }

  // |F| of the patterns in `batch` for object and probe.
  torch::Tensor predicted(const torch::Tensor& object, const torch::Tensor& probe, const Batch& batch) const {
    auto patches = physics::gatherPatches(object, batch.corners, N_);
    auto field = torch::view_as_real(physics::farField(patches * probe));
    // The floor keeps the gradient of the square root finite where |F| = 0.
    return (field.square().sum(-1) + kFloor).sqrt();
  }

  const torch::Tensor& mask() const { return mask_; }

  // Sums over every good pixel of every pattern, in no-grad chunks, of
  // f(predicted, observed) → a (K,) tensor of K per-pixel quantities.
  template <typename F>
  std::vector<double> sums(const torch::Tensor& object, const torch::Tensor& probe, F&& f) const {
    torch::NoGradGuard noGrad;
    torch::Tensor total;
    for (int64_t first = 0; first < size(); first += kChunk) {
      auto b = range(first, std::min(kChunk, size() - first));
      auto terms = f(predicted(object, probe, b), b.amplitudes.to(torch::kFloat32));
      auto chunk = torch::stack(terms).mul(mask_).sum({1, 2, 3}).to(torch::kFloat64);
      total = total.defined() ? total + chunk : chunk;
    }
    return std::vector<double>(total.data_ptr<double>(), total.data_ptr<double>() + total.numel());
  }

 private:
  static constexpr double kFloor = 1e-20;
  static constexpr int64_t kChunk = 256;
  const RefineData& data_;
  int64_t N_;
  torch::Tensor mask_;
};

torch::Tensor meanAbs(const torch::Tensor& t) { return t.abs().mean(); }

}  // namespace

RefineResult refine(const RefineData& data, const RefineOptions& options, const IterationSink& onIteration,
                    const std::atomic<bool>& abort) {
  Problem problem(data);
  RefineResult result;
  auto probe = data.probe.to(torch::kComplexFloat).contiguous();
  auto object = data.object.to(torch::kComplexFloat).contiguous();

  // The starting object's level need not match the data's (the network works in its
  // own normalisation): scale it by the least-squares factor, predicted amplitudes
  // being linear in the object.
  using Terms = std::vector<torch::Tensor>;
  auto levels = problem.sums(object, probe, [](const torch::Tensor& p, const torch::Tensor& a) {
    return Terms{a, a.square(), p * a, p.square()};
  });
  const double observedSum = levels[0], observedSquares = levels[1];
  if (!(observedSum > 0)) throw std::invalid_argument("the measured amplitudes are all zero");
  if (!(levels[3] > 0)) throw std::invalid_argument("the starting object and probe predict no signal");
  result.scale = levels[2] / levels[3];
  object = object * result.scale;
  auto rFactor = [&](const torch::Tensor& o, const torch::Tensor& p) {
    auto residual =
        problem.sums(o, p, [](const torch::Tensor& pred, const torch::Tensor& a) { return Terms{(pred - a).abs()}; });
    return residual[0] / observedSum;
  };
  result.initialRFactor = rFactor(object, probe);

  auto objectParam = torch::view_as_real(object).clone().requires_grad_(true);
  auto probeParam = torch::view_as_real(probe).clone().requires_grad_(options.refineProbe);
  torch::optim::Adam objectStep({objectParam});
  torch::optim::Adam probeStep({probeParam});

  // Cosine decay of both steps to zero over the run: at a constant step Adam settles
  // into a noise ball and the R-factor climbs again after ~10 passes.
  const double objectRate = options.learningRate * meanAbs(object).item<double>();
  const double probeRate = options.probeLearningRate * meanAbs(probe).item<double>();
  const int64_t batchesPerPass = (problem.size() + options.batchSize - 1) / options.batchSize;
  const double totalSteps = static_cast<double>(std::max<int64_t>(1, options.iterations * batchesPerPass));
  int64_t step = 0;
  auto setRates = [&](double fraction) {
    const double decay = 0.5 * (1 + std::cos(M_PI * fraction));
    static_cast<torch::optim::AdamOptions&>(objectStep.param_groups()[0].options()).lr(objectRate * decay);
    static_cast<torch::optim::AdamOptions&>(probeStep.param_groups()[0].options()).lr(probeRate * decay);
  };

  std::mt19937_64 rng(options.seed);
  std::vector<int64_t> order(static_cast<size_t>(problem.size()));
  std::iota(order.begin(), order.end(), 0);
  const auto started = Clock::now();
  for (int64_t iteration = 1; iteration <= options.iterations && !result.aborted; ++iteration) {
    std::shuffle(order.begin(), order.end(), rng);
    const bool moveProbe = options.refineProbe && iteration > options.probeStart;
    double squares = 0;
    for (size_t first = 0; first < order.size(); first += static_cast<size_t>(options.batchSize)) {
      if (abort.load()) {
        result.aborted = true;
        break;
      }
      const size_t last = std::min(order.size(), first + static_cast<size_t>(options.batchSize));
      auto index = torch::tensor(std::vector<int64_t>(order.begin() + first, order.begin() + last), torch::kInt64);
      auto batch = problem.batch(index);
      setRates(static_cast<double>(step++) / totalSteps);
      objectStep.zero_grad();
      probeStep.zero_grad();
      auto predicted =
          problem.predicted(torch::view_as_complex(objectParam), torch::view_as_complex(probeParam), batch);
      auto residual = (predicted - batch.amplitudes.to(torch::kFloat32)).square().mul(problem.mask()).sum();
      squares += residual.item<double>();
      // Scaled so that Adam's first steps do not depend on the batch size or count level.
      (residual / static_cast<double>(last - first)).backward();
      objectStep.step();
      if (moveProbe) probeStep.step();
    }
    if (result.aborted) break;
    RefineIteration record{iteration, squares / observedSquares,
                           std::chrono::duration<double>(Clock::now() - started).count()};
    result.history.push_back(record);
    if (onIteration) onIteration(record);
  }
  result.object = torch::view_as_complex(objectParam.detach()).clone();
  result.probe = torch::view_as_complex(probeParam.detach()).clone();
  result.finalRFactor = rFactor(result.object, result.probe);
  return result;
}

}  // namespace ptychopinn::refine

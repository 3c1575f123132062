#include "tensorflow/engine/Model.h"

#include <cmath>
#include <random>

#include "common/Errors.h"
#include "tensorflow/engine/FarFieldGradients.h"
#include "tensorflow/engine/Network.h"
#include "tensorflow/engine/Physics.h"

namespace ptychopinn::tf {
namespace {

// torch.optim.Adam's defaults.
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;

std::string shapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

LossParts lossFrom(const std::vector<TensorPtr>& outputs) {
  return {scalarOf(outputs[0].get()), scalarOf(outputs[1].get()), scalarOf(outputs[2].get())};
}

}  // namespace

Model::Model(const model::ModelConfig& config, const HostArray& probe, const SessionConfig& sessionConfig)
    : config_(config) {
  model::checkInvariants(config);
  buildObjective();
  buildOptimizer();
  allGood_ = allocateTensor(TF_FLOAT, {config.N, config.N});
  std::fill_n(static_cast<float*>(TF_TensorData(allGood_.get())), config.N * config.N, 1.0f);
  session_ = std::make_unique<Session>(graph_, sessionConfig);
  loadState(initialState(probe));
  resetOptimizer();
}

void Model::buildObjective() {
  auto& g = graph_;
  const int64_t N = config_.N, C = config_.channels();
  amplitudes_ = g.placeholder(TF_FLOAT, {-1, C, N, N}, "amplitudes");
  positions_ = g.placeholder(TF_FLOAT, {-1, C, 2}, "positions");
  mask_ = g.placeholder(TF_FLOAT, {N, N}, "mask");

  logScale_ = parameters_.add(g, "log_scale", {1}, Layout::Plain,
                              config_.intensityScaleTrainable ? Kind::Trained : Kind::Frozen);
  auto probe =
      parameters_.add(g, "probe", {N, N, 2}, Layout::Plain, config_.probeTrainable ? Kind::Trained : Kind::Buffer);
  const auto n = static_cast<int32_t>(N);
  const ComplexParts probeParts{g.reshape(g.slice(probe, {0, 0, 0}, {-1, -1, 1}), {n, n}),
                                g.reshape(g.slice(probe, {0, 0, 1}, {-1, -1, 1}), {n, n})};

  // The network sees s·X / exp(log_scale), which is X at initialisation (§5).
  auto scale = g.unary("Exp", logScale_);
  auto inputScale = g.scalar(config_.intensityScale, TF_FLOAT);
  auto seen = g.mul(amplitudes_, g.div(inputScale, scale));
  auto net = buildNetwork(g, parameters_, config_, g.transpose(seen, {0, 2, 3, 1}));
  auto amplitude = g.transpose(net.amplitude, {0, 3, 1, 2});
  auto phase = g.transpose(net.phase, {0, 3, 1, 2});
  {
    auto scope = g.scope("object");
    objectRe_ = g.mul(amplitude, g.unary("Cos", phase));
    objectIm_ = g.mul(amplitude, g.unary("Sin", phase));
  }

  physics::ForwardOptions options;
  options.objectBig = config_.objectBig;
  options.weighting = config_.trainingPatchWeighting;
  options.paddedSize = config_.paddedSize;
  const ForwardGeometry geometry{N, C, options, TF_FLOAT};
  auto object = overlapConstraint(g, {objectRe_, objectIm_}, positions_, probeParts, geometry);
  auto field = farField(g, scaled(g, complexProduct(g, object, probeParts), scale), N);

  auto scope = g.scope("objective");
  auto observed = g.mul(amplitudes_, inputScale);  // s·X: photon-unit amplitudes
  auto zero = g.scalar(0.0, TF_FLOAT);
  auto intensity = intensityOf(g, field);
  nll_ = config_.nllWeight > 0 ? poissonNllMean(g, intensity, g.unary("Square", observed), mask_) : zero;
  mae_ = config_.maeWeight > 0 ? amplitudeMae(g, amplitudeOf(g, intensity), observed, mask_) : zero;
  total_ =
      g.add(g.mul(nll_, g.scalar(config_.nllWeight, TF_FLOAT)), g.mul(mae_, g.scalar(config_.maeWeight, TF_FLOAT)));

  std::vector<Output> trainedValues;
  for (size_t i = 0; i < parameters_.all().size(); ++i) {
    if (parameters_.all()[i].kind != Kind::Trained) continue;
    trained_.push_back(i);
    trainedValues.push_back(parameters_.all()[i].value);
  }
  gradients_ = farFieldGradients(g, total_, field, trainedValues);
}

void Model::buildOptimizer() {
  auto& g = graph_;
  auto scope = g.scope("adam");
  learningRate_ = g.placeholder(TF_FLOAT, {}, "learning_rate");
  beta1Power_ = g.placeholder(TF_FLOAT, {}, "beta1_power");
  beta2Power_ = g.placeholder(TF_FLOAT, {}, "beta2_power");
  epsilon_ = g.placeholder(TF_FLOAT, {}, "epsilon");
  auto beta1 = g.scalar(kBeta1, TF_FLOAT), beta2 = g.scalar(kBeta2, TF_FLOAT);
  auto step = g.op("NoOp", "step");
  auto reset = g.op("NoOp", "reset");
  for (size_t i = 0; i < trained_.size(); ++i) {
    const auto& p = parameters_.all()[trained_[i]];
    auto m = resourceVariable(g, p.name + "/m", p.shape);
    auto v = resourceVariable(g, p.name + "/v", p.shape);
    auto zeros = g.unary("ZerosLike", p.value);
    reset.control(g.op("AssignVariableOp").input(m).input(zeros).attr("dtype", TF_FLOAT).finish());
    reset.control(g.op("AssignVariableOp").input(v).input(zeros).attr("dtype", TF_FLOAT).finish());
    step.control(g.op("ResourceApplyAdam")
                     .input(p.handle)
                     .input(m)
                     .input(v)
                     .input(beta1Power_)
                     .input(beta2Power_)
                     .input(learningRate_)
                     .input(beta1)
                     .input(beta2)
                     .input(epsilon_)
                     .input(gradients_[i])
                     .attr("T", TF_FLOAT)
                     .finish());
  }
  trainStep_ = step.finish();
  resetOptimizer_ = reset.finish();
}

int64_t Model::parameterCount() const {
  int64_t count = 0;
  for (const auto& p : parameters_.all()) {
    if (p.kind != Kind::Buffer) count += p.elements();
  }
  return count;
}

HostStateDict Model::initialState(const HostArray& probe) const {
  // Glorot-uniform kernels and zero biases (Keras' defaults, as in the TF model),
  // drawn in parameter order from the seed alone.
  std::mt19937_64 rng(config_.seed);
  HostStateDict state;
  const int64_t N = config_.N;
  for (const auto& p : parameters_.all()) {
    HostArray a;
    a.shape = p.stateShape();
    a.values.assign(static_cast<size_t>(p.elements()), 0.0f);
    if (p.layout == Layout::ConvKernel) {
      const double receptive = static_cast<double>(a.shape[2] * a.shape[3]);
      const double limit = std::sqrt(6.0 / (receptive * static_cast<double>(a.shape[0] + a.shape[1])));
      std::uniform_real_distribution<double> uniform(-limit, limit);
      for (auto& v : a.values) v = static_cast<float>(uniform(rng));
    } else if (p.name == "log_scale") {
      a.values[0] = static_cast<float>(std::log(config_.intensityScale));
    } else if (p.name == "probe") {
      a.values = probe.values;
    } else if (p.kind == Kind::Buffer) {  // outer_mask: 0 on the central N/2 window, 1 elsewhere
      for (int64_t y = 0; y < N; ++y) {
        for (int64_t x = 0; x < N; ++x) {
          const bool central = y >= N / 4 && y < N / 4 + N / 2 && x >= N / 4 && x < N / 4 + N / 2;
          a.values[static_cast<size_t>(y * N + x)] = central ? 0.0f : 1.0f;
        }
      }
    }
    state[p.name] = std::move(a);
  }
  return state;
}

Feeds Model::batchFeeds(const Batch& batch) const {
  return {{amplitudes_, batch.amplitudes}, {positions_, batch.positions}, {mask_, batch.mask}};
}

HostArray Model::objectPatches(const TF_Tensor* amplitudes) const {
  auto out = session_->run({{amplitudes_, amplitudes}}, {objectRe_, objectIm_});
  const auto re = hostArrayOf(out[0].get()), im = hostArrayOf(out[1].get());
  HostArray patches;
  patches.shape = re.shape;
  patches.complex = true;
  patches.values.resize(2 * re.values.size());
  for (size_t i = 0; i < re.values.size(); ++i) {
    patches.values[2 * i] = re.values[i];
    patches.values[2 * i + 1] = im.values[i];
  }
  return patches;
}

LossParts Model::evaluate(const Batch& batch) const {
  return lossFrom(session_->run(batchFeeds(batch), lossOutputs()));
}

LossParts Model::trainStep(const Batch& batch, const AdamStep& step) {
  // torch.optim.Adam divides by sqrt(v̂) + eps, ResourceApplyAdam by sqrt(v) + ε:
  // ε = eps·sqrt(1 − β2^t) makes the two steps the same.
  const double beta2Power = std::pow(kBeta2, static_cast<double>(step.step));
  auto lr = scalarTensor(static_cast<float>(step.learningRate));
  auto b1 = scalarTensor(static_cast<float>(std::pow(kBeta1, static_cast<double>(step.step))));
  auto b2 = scalarTensor(static_cast<float>(beta2Power));
  auto eps = scalarTensor(static_cast<float>(kEpsilon * std::sqrt(1.0 - beta2Power)));
  auto feeds = batchFeeds(batch);
  feeds.insert(feeds.end(),
               {{learningRate_, lr.get()}, {beta1Power_, b1.get()}, {beta2Power_, b2.get()}, {epsilon_, eps.get()}});
  return lossFrom(session_->run(feeds, lossOutputs(), {trainStep_}));
}

LossParts Model::lossAndGradients(const Batch& batch, HostStateDict& gradients) const {
  auto fetches = lossOutputs();
  fetches.insert(fetches.end(), gradients_.begin(), gradients_.end());
  auto out = session_->run(batchFeeds(batch), fetches);
  for (size_t i = 0; i < trained_.size(); ++i) {
    const auto& p = parameters_.all()[trained_[i]];
    gradients[p.name] = toStateLayout(p, hostArrayOf(out[3 + i].get()));
  }
  return lossFrom(out);
}

void Model::resetOptimizer() { session_->run({}, {}, {resetOptimizer_}); }

HostStateDict Model::state() const {
  std::vector<Output> values;
  for (const auto& p : parameters_.all()) values.push_back(p.value);
  auto out = session_->run({}, values);
  HostStateDict state;
  for (size_t i = 0; i < out.size(); ++i) {
    const auto& p = parameters_.all()[i];
    state[p.name] = toStateLayout(p, hostArrayOf(out[i].get()));
  }
  return state;
}

void Model::loadState(const HostStateDict& state) {
  std::string missing;
  for (const auto& p : parameters_.all()) {
    auto it = state.find(p.name);
    if (it == state.end()) {
      missing += (missing.empty() ? "" : ", ") + p.name;
    } else if (it->second.shape != p.stateShape()) {
      throw ArgumentError("stateDict." + p.name + ": expected shape " + shapeString(p.stateShape()) + ", got " +
                          shapeString(it->second.shape));
    }
  }
  if (!missing.empty()) throw ArgumentError("stateDict: missing " + missing);
  std::vector<TensorPtr> tensors;
  Feeds feeds;
  std::vector<TF_Operation*> assigns;
  for (const auto& p : parameters_.all()) {
    tensors.push_back(tensorFrom(fromStateLayout(p, state.at(p.name))));
    feeds.emplace_back(p.incoming, tensors.back().get());
    assigns.push_back(p.assign);
  }
  session_->run(feeds, {}, assigns);
}

double Model::intensityScale() const { return std::exp(scalarOf(session_->run({}, {logScale_})[0].get())); }

}  // namespace ptychopinn::tf

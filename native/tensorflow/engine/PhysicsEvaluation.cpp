#include "tensorflow/engine/PhysicsEvaluation.h"

#include "tensorflow/engine/FarFieldGradients.h"
#include "tensorflow/engine/Physics.h"
#include "tensorflow/engine/Session.h"

namespace ptychopinn::tf {
namespace {

TF_DataType realOf(TF_DataType complex) { return complex == TF_COMPLEX128 ? TF_DOUBLE : TF_FLOAT; }

Output input(Graph& g, const TF_Tensor* value, const std::string& name) {
  return g.placeholder(TF_TensorType(value), shapeOf(value), name);
}

// A complex input as real and imaginary parts of precision `real`.
ComplexParts partsOf(Graph& g, Output z, TF_DataType real) {
  return {g.cast(realPart(g, z), real), g.cast(imagPart(g, z), real)};
}

TensorPtr runOne(const Graph& g, const SessionConfig& config, const Feeds& feeds, Output fetch) {
  Session session(g, config);
  return std::move(session.run(feeds, {fetch})[0]);
}

struct ForwardGraph {
  Output patches, positions, probe;
  FarField farField;
  Output intensity;
};

ForwardGraph buildForward(Graph& g, const ForwardInputs& in) {
  const auto shape = shapeOf(in.patches);
  ForwardGraph f;
  f.patches = input(g, in.patches, "patches");
  f.positions = input(g, in.positions, "positions");
  f.probe = input(g, in.probe, "probe");
  const auto real = realOf(TF_TensorType(in.patches));
  const ForwardGeometry geometry{shape[3], shape[1], in.options, real};
  auto probe = partsOf(g, f.probe, real);
  auto object = overlapConstraint(g, partsOf(g, f.patches, real), f.positions, probe, geometry);
  f.farField = farField(g, scaled(g, complexProduct(g, object, probe), g.scalar(in.scale, real)), shape[3]);
  f.intensity = intensityOf(g, f.farField);
  return f;
}

Feeds forwardFeeds(const ForwardGraph& f, const ForwardInputs& in) {
  return {{f.patches, in.patches}, {f.positions, in.positions}, {f.probe, in.probe}};
}

std::vector<int32_t> allAxes(const TF_Tensor* t) {
  std::vector<int32_t> axes(static_cast<size_t>(TF_NumDims(t)));
  for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int32_t>(i);
  return axes;
}

}  // namespace

TensorPtr evaluateForwardIntensity(const ForwardInputs& inputs, const SessionConfig& session) {
  Graph g;
  auto f = buildForward(g, inputs);
  return runOne(g, session, forwardFeeds(f, inputs), f.intensity);
}

TensorPtr forwardIntensityVjp(const ForwardInputs& inputs, const TF_Tensor* cotangent, const SessionConfig& session) {
  Graph g;
  auto f = buildForward(g, inputs);
  auto v = input(g, cotangent, "cotangent");
  auto loss = g.sum(g.mul(f.intensity, g.cast(v, Graph::typeOf(f.intensity))), allAxes(cotangent));
  auto grad = farFieldGradients(g, loss, f.farField, {f.patches})[0];
  auto feeds = forwardFeeds(f, inputs);
  feeds.emplace_back(v, cotangent);
  return runOne(g, session, feeds, grad);
}

namespace {

struct FarFieldGraph {
  Output psi;
  FarField farField;
};

FarFieldGraph buildFarField(Graph& g, const TF_Tensor* psi) {
  const auto shape = shapeOf(psi);
  FarFieldGraph f;
  f.psi = input(g, psi, "psi");
  f.farField = farField(g, partsOf(g, f.psi, realOf(TF_TensorType(psi))), shape.back());
  return f;
}

}  // namespace

TensorPtr evaluateFarField(const TF_Tensor* psi, const SessionConfig& session) {
  Graph g;
  auto f = buildFarField(g, psi);
  return runOne(g, session, {{f.psi, psi}}, complexOf(g, f.farField.field));
}

TensorPtr farFieldVjp(const TF_Tensor* psi, const TF_Tensor* cotangent, const SessionConfig& session) {
  Graph g;
  auto f = buildFarField(g, psi);
  auto v = input(g, cotangent, "cotangent");
  auto vParts = partsOf(g, v, realOf(TF_TensorType(psi)));
  auto axes = allAxes(psi);
  auto loss =
      g.add(g.sum(g.mul(vParts.re, f.farField.field.re), axes), g.sum(g.mul(vParts.im, f.farField.field.im), axes));
  auto grad = farFieldGradients(g, loss, f.farField, {f.psi})[0];
  return runOne(g, session, {{f.psi, psi}, {v, cotangent}}, grad);
}

double evaluatePoissonNll(const TF_Tensor* predicted, const TF_Tensor* observed, const SessionConfig& session) {
  Graph g;
  const auto groups = static_cast<int32_t>(TF_Dim(predicted, 0));
  auto p = input(g, predicted, "predicted"), o = input(g, observed, "observed");
  auto value = poissonNllReported(g, g.reshape(p, {groups, -1}), g.reshape(o, {groups, -1}));
  return scalarOf(runOne(g, session, {{p, predicted}, {o, observed}}, value).get());
}

}  // namespace ptychopinn::tf

#include "tensorflow/engine/Physics.h"

#include <cmath>

namespace ptychopinn::tf {
namespace {

// Keeps log() finite where a predicted intensity is exactly zero; far below one
// photon, so it does not bias the fit (as the LibTorch engine).
constexpr double kIntensityFloor = 1e-12;
// |F|² below this counts as F = 0 for the gradient of |F|.
constexpr double kTinyIntensity = 1e-30;

Output rangeColumn(Graph& g, int64_t n, bool column) {
  auto t = allocateTensor(TF_DOUBLE, column ? std::vector<int64_t>{n, 1} : std::vector<int64_t>{1, n});
  auto* data = static_cast<double*>(TF_TensorData(t.get()));
  for (int64_t i = 0; i < n; ++i) data[i] = static_cast<double>(i);
  return g.constant(t.get());
}

// The bilinear weights of one axis for every (b, c) plane: W[b, c, o, i] =
// max(0, 1 − |i − (o + sign·p + bias)|), the hat kernel at the source coordinate of
// output pixel o (reference §2: bilinear on integer pixel centres). Input pixels
// outside [0, inSize) have no column, which is the zero fill. Computed in float64:
// the weights of a sub-pixel offset are then exact to the working precision.
Output interpolationMatrices(Graph& g, Output positions, int axis, double sign, double bias, int64_t C, int64_t outSize,
                             int64_t inSize, TF_DataType real) {
  auto p = g.slice(g.cast(positions, TF_DOUBLE), {0, 0, axis}, {-1, -1, 1});
  auto offset = g.add(g.mul(g.reshape(p, {-1, static_cast<int32_t>(C), 1, 1}), g.scalar(sign, TF_DOUBLE)),
                      g.scalar(bias, TF_DOUBLE));
  auto source = g.add(rangeColumn(g, outSize, true), offset);  // (B, C, out, 1)
  auto distance = g.unary("Abs", g.sub(rangeColumn(g, inSize, false), source));
  return g.cast(g.unary("Relu", g.sub(g.scalar(1.0, TF_DOUBLE), distance)), real);
}

// Products with interpolation matrices. BatchMatMulV2 is given operands of equal
// batch shapes only: TensorFlow 2.21's oneDNN kernel computes wrong values (or
// writes out of bounds) when it broadcasts a batch of shape (B, 1) against (1, 1).
struct PlaneShift {
  Output rows, columns;  // (B, C, out, in) for y and x
  int64_t C, out, in;

  // planes (B, C, in, in) -> (B, C, out, out).
  Output apply(Graph& g, Output planes) const { return g.matmul(g.matmul(rows, planes), columns, true); }

  // One (in, in) plane shifted for every (b, c) -> (B, C, out, out).
  Output applyToShared(Graph& g, Output plane) const {
    auto flat = g.reshape(rows, {-1, static_cast<int32_t>(in)});
    auto product = g.op("MatMul").input(flat).input(plane).output();
    return g.matmul(
        g.reshape(product, {-1, static_cast<int32_t>(C), static_cast<int32_t>(out), static_cast<int32_t>(in)}), columns,
        true);
  }

  // One (in, in) plane per group b, (B, in, in), shifted for each of its C patches -> (B, C, out, out).
  Output applyToGroups(Graph& g, Output planes) const {
    const auto c = static_cast<int32_t>(C), o = static_cast<int32_t>(out), i = static_cast<int32_t>(in);
    auto stacked = g.matmul(g.reshape(rows, {-1, c * o, i}), planes);  // (B, C·out, in)
    return g.matmul(g.reshape(stacked, {-1, c, o, i}), columns, true);
  }
};

// Each patch zero-padded (centred) to Np and shifted by −p_c: out(y, x) = in(y + p_y − o, x + p_x − o).
PlaneShift padShift(Graph& g, Output positions, const ForwardGeometry& geo, int64_t Np) {
  const double offset = static_cast<double>((Np - geo.N) / 2);
  return {interpolationMatrices(g, positions, 1, 1.0, -offset, geo.C, Np, geo.N, geo.real),
          interpolationMatrices(g, positions, 0, 1.0, -offset, geo.C, Np, geo.N, geo.real), geo.C, Np, geo.N};
}

// Shift by +p_c and crop the central N × N: out(y, x) = merged(y − p_y + o, x − p_x + o).
PlaneShift cropShift(Graph& g, Output positions, const ForwardGeometry& geo, int64_t Np) {
  const double offset = static_cast<double>((Np - geo.N) / 2);
  return {interpolationMatrices(g, positions, 1, -1.0, offset, geo.C, geo.N, Np, geo.real),
          interpolationMatrices(g, positions, 0, -1.0, offset, geo.C, geo.N, Np, geo.real), geo.C, geo.N, Np};
}

// The merge weights w (N, N): |P|² or the central N/2 × N/2 window.
Output mergeWeights(Graph& g, const ComplexParts& probe, const ForwardGeometry& geo) {
  if (geo.options.weighting == physics::Weighting::Probe) {
    auto re = g.unary("StopGradient", probe.re), im = g.unary("StopGradient", probe.im);
    return g.add(g.unary("Square", re), g.unary("Square", im));
  }
  auto t = allocateTensor(TF_DOUBLE, {geo.N, geo.N});
  auto* w = static_cast<double*>(TF_TensorData(t.get()));
  for (int64_t y = 0; y < geo.N; ++y) {
    for (int64_t x = 0; x < geo.N; ++x) {
      const bool inside = y >= geo.N / 4 && y < geo.N / 4 + geo.N / 2 && x >= geo.N / 4 && x < geo.N / 4 + geo.N / 2;
      w[y * geo.N + x] = inside ? 1.0 : 0.0;
    }
  }
  return g.cast(g.constant(t.get()), geo.real);
}

}  // namespace

namespace {

TF_DataType realTypeOf(TF_DataType complex) { return complex == TF_COMPLEX128 ? TF_DOUBLE : TF_FLOAT; }
TF_DataType complexTypeOf(TF_DataType real) { return real == TF_DOUBLE ? TF_COMPLEX128 : TF_COMPLEX64; }

Output imaginaryUnit(Graph& g, TF_DataType complex, double sign) {
  auto t = allocateTensor(complex, {});
  if (complex == TF_COMPLEX128) {
    static_cast<double*>(TF_TensorData(t.get()))[0] = 0;
    static_cast<double*>(TF_TensorData(t.get()))[1] = sign;
  } else {
    static_cast<float*>(TF_TensorData(t.get()))[0] = 0;
    static_cast<float*>(TF_TensorData(t.get()))[1] = static_cast<float>(sign);
  }
  return g.constant(t.get());
}

}  // namespace

// A cast from complex to real keeps the real part.
Output realPart(Graph& g, Output z) { return g.cast(z, realTypeOf(Graph::typeOf(z))); }

// Im z = Re(−i·z).
Output imagPart(Graph& g, Output z) {
  const auto type = Graph::typeOf(z);
  return g.cast(g.mul(z, imaginaryUnit(g, type, -1.0)), realTypeOf(type));
}

Output complexOf(Graph& g, const ComplexParts& parts) {
  const auto type = complexTypeOf(Graph::typeOf(parts.re));
  return g.add(g.cast(parts.re, type), g.mul(g.cast(parts.im, type), imaginaryUnit(g, type, 1.0)));
}

ComplexParts complexProduct(Graph& g, const ComplexParts& a, const ComplexParts& b) {
  return {g.sub(g.mul(a.re, b.re), g.mul(a.im, b.im)), g.add(g.mul(a.re, b.im), g.mul(a.im, b.re))};
}

ComplexParts scaled(Graph& g, const ComplexParts& a, Output factor) {
  return {g.mul(a.re, factor), g.mul(a.im, factor)};
}

ComplexParts mergePatches(Graph& g, const ComplexParts& patches, Output positions, const ComplexParts& probe,
                          const ForwardGeometry& geo) {
  auto scope = g.scope("merge");
  const int64_t Np = physics::resolvePaddedSize(geo.options, geo.N, geo.C);
  const auto shift = padShift(g, positions, geo, Np);
  // §3: the patch and its weight are translated separately and multiplied afterwards;
  // translating the product instead differs at sub-pixel offsets (~0.5 % in intensity).
  auto shiftedWeights = shift.applyToShared(g, mergeWeights(g, probe, geo));
  auto numerator = [&](Output part) { return g.sum(g.mul(shift.apply(g, part), shiftedWeights), {1}); };
  auto denominator = g.sum(shiftedWeights, {1});
  const auto real = geo.real;
  auto above = [&](Output threshold) { return g.cast(g.binary("Greater", denominator, threshold), real); };
  // The support mask and normaliser are constants of the scan geometry and the
  // probe: the merge is linear in the patches.
  Output factor;
  switch (geo.options.weighting) {
    case physics::Weighting::Probe: {
      // Relative to each group's own maximum, so a group's result does not depend on its batch.
      auto peak = g.reduce("Max", denominator, {1, 2}, true);
      factor = g.div(above(g.mul(peak, g.scalar(physics::kSupportThreshold, real))),
                     g.binary("Maximum", denominator, g.scalar(physics::kDenominatorFloor, real)));
      break;
    }
    case physics::Weighting::Uniform:
      factor = g.div(above(g.scalar(physics::kSupportThreshold, real)),
                     g.binary("Maximum", denominator, g.scalar(physics::kDenominatorFloor, real)));
      break;
    case physics::Weighting::CentralMask:
      factor = g.div(above(g.scalar(physics::kSupportThreshold, real)),
                     g.add(denominator, g.scalar(physics::kCentralMaskEpsilon, real)));
      break;
  }
  return {g.mul(numerator(patches.re), factor), g.mul(numerator(patches.im), factor)};
}

ComplexParts extractPatches(Graph& g, const ComplexParts& merged, Output positions, const ForwardGeometry& geo) {
  auto scope = g.scope("extract");
  const int64_t Np = physics::resolvePaddedSize(geo.options, geo.N, geo.C);
  const auto shift = cropShift(g, positions, geo, Np);
  return {shift.applyToGroups(g, merged.re), shift.applyToGroups(g, merged.im)};
}

ComplexParts overlapConstraint(Graph& g, const ComplexParts& patches, Output positions, const ComplexParts& probe,
                               const ForwardGeometry& geometry) {
  if (!geometry.options.objectBig) return patches;
  return extractPatches(g, mergePatches(g, patches, positions, probe, geometry), positions, geometry);
}

FarField farField(Graph& g, const ComplexParts& psi, int64_t N) {
  auto scope = g.scope("far_field");
  const auto real = Graph::typeOf(psi.re);
  FarField f;
  f.N = N;
  f.psi = complexOf(g, psi);
  f.raw = g.op("FFT2D").input(f.psi).output();
  // fftshift of an even N is a roll by N/2; norm='ortho' divides by sqrt(N·N).
  const auto half = static_cast<int32_t>(N / 2);
  auto shifted = g.op("Roll").input(f.raw).input(g.int32s({half, half})).input(g.int32s({-2, -1})).output();
  auto norm = g.scalar(1.0 / static_cast<double>(N), real);
  f.field = {g.mul(realPart(g, shifted), norm), g.mul(imagPart(g, shifted), norm)};
  return f;
}

Output intensityOf(Graph& g, const FarField& farField) {
  return g.add(g.unary("Square", farField.field.re), g.unary("Square", farField.field.im));
}

Output amplitudeOf(Graph& g, Output intensity) {
  return g.unary("Sqrt", g.binary("Maximum", intensity, g.scalar(kTinyIntensity, Graph::typeOf(intensity))));
}

namespace {

// Mean over the good pixels: mask (N, N) broadcast over the leading axes. (Every
// op between the weights and the loss needs a registered gradient: ZerosLike has
// "none", OnesLike none at all.)
Output maskedMean(Graph& g, Output values, Output mask) {
  auto weights = g.add(mask, g.unary("ZerosLike", values));
  auto count = g.binary("Maximum", g.sum(weights, {0, 1, 2, 3}), g.scalar(1.0, Graph::typeOf(values)));
  return g.div(g.sum(g.mul(values, weights), {0, 1, 2, 3}), count);
}

}  // namespace

Output poissonNllMean(Graph& g, Output predicted, Output observed, Output mask) {
  auto floor = g.scalar(kIntensityFloor, Graph::typeOf(predicted));
  auto logPredicted = g.unary("Log", g.binary("Maximum", predicted, floor));
  return maskedMean(g, g.sub(predicted, g.mul(observed, logPredicted)), mask);
}

Output amplitudeMae(Graph& g, Output predicted, Output observed, Output mask) {
  return maskedMean(g, g.unary("Abs", g.sub(predicted, observed)), mask);
}

Output poissonNllReported(Graph& g, Output predicted, Output observed) {
  auto p = g.cast(predicted, TF_DOUBLE), o = g.cast(observed, TF_DOUBLE);
  auto lgamma = g.unary("Lgamma", g.add(o, g.scalar(1.0, TF_DOUBLE)));
  auto terms = g.add(g.sub(p, g.mul(o, g.unary("Log", p))), lgamma);
  return g.reduce("Mean", g.sum(terms, {1}), {0}, false);
}

}  // namespace ptychopinn::tf

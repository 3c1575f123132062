#include "tensorflow/engine/Parameters.h"

namespace ptychopinn::tf {
namespace {

// Moves axis values between HWIO (h, w, i, o) and OIHW (o, i, h, w).
HostArray permuteKernel(const HostArray& in, bool toOihw) {
  HostArray out;
  out.shape = toOihw ? std::vector<int64_t>{in.shape[3], in.shape[2], in.shape[0], in.shape[1]}
                     : std::vector<int64_t>{in.shape[2], in.shape[3], in.shape[1], in.shape[0]};
  out.values.resize(in.values.size());
  const int64_t H = toOihw ? in.shape[0] : in.shape[2], W = toOihw ? in.shape[1] : in.shape[3];
  const int64_t I = toOihw ? in.shape[2] : in.shape[1], O = toOihw ? in.shape[3] : in.shape[0];
  for (int64_t h = 0; h < H; ++h) {
    for (int64_t w = 0; w < W; ++w) {
      for (int64_t i = 0; i < I; ++i) {
        for (int64_t o = 0; o < O; ++o) {
          const auto hwio = static_cast<size_t>(((h * W + w) * I + i) * O + o);
          const auto oihw = static_cast<size_t>(((o * I + i) * H + h) * W + w);
          if (toOihw) {
            out.values[oihw] = in.values[hwio];
          } else {
            out.values[hwio] = in.values[oihw];
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

std::vector<int64_t> Parameter::stateShape() const {
  if (layout == Layout::Plain) return shape;
  return {shape[3], shape[2], shape[0], shape[1]};
}

int64_t Parameter::elements() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

Output resourceVariable(Graph& graph, const std::string& name, const std::vector<int64_t>& shape) {
  // shared_name: the variable's identity in the session's resource manager.
  return graph.op("VarHandleOp", name)
      .attr("dtype", TF_FLOAT)
      .shapeAttr("shape", shape)
      .attr("shared_name", name)
      .output();
}

Output readVariable(Graph& graph, Output handle) {
  return graph.op("ReadVariableOp").input(handle).attr("dtype", TF_FLOAT).output();
}

Output Parameters::add(Graph& graph, const std::string& name, std::vector<int64_t> shape, Layout layout, Kind kind) {
  Parameter p{name, std::move(shape), layout, kind, {}, {}, {}, nullptr};
  auto scope = graph.scope("parameters");
  p.handle = resourceVariable(graph, name, p.shape);
  p.value = readVariable(graph, p.handle);
  p.incoming = graph.placeholder(TF_FLOAT, p.shape, name + "/incoming");
  p.assign =
      graph.op("AssignVariableOp", name + "/assign").input(p.handle).input(p.incoming).attr("dtype", TF_FLOAT).finish();
  parameters_.push_back(p);
  return p.value;
}

HostArray toStateLayout(const Parameter& parameter, const HostArray& graphValues) {
  return parameter.layout == Layout::ConvKernel ? permuteKernel(graphValues, true) : graphValues;
}

HostArray fromStateLayout(const Parameter& parameter, const HostArray& stateValues) {
  return parameter.layout == Layout::ConvKernel ? permuteKernel(stateValues, false) : stateValues;
}

}  // namespace ptychopinn::tf

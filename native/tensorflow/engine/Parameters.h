// The model's weights as TensorFlow resource variables, each under the name and in
// the layout of the LibTorch engine's state dict, so that a model.ptpinn written by
// either engine loads into the other. Convolution kernels are HWIO in this graph
// (TensorFlow's NHWC convolutions) and OIHW in state dicts; the conversion happens
// here, at the boundary.
#pragma once
#include <string>
#include <vector>

#include "tensorflow/engine/Graph.h"
#include "tensorflow/engine/HostArray.h"

namespace ptychopinn::tf {

enum class Layout { Plain, ConvKernel };

// As the LibTorch module registers it: a parameter the optimiser trains, one it
// holds fixed (log_scale when the intensity scale is not trainable), or a buffer.
enum class Kind { Trained, Frozen, Buffer };

struct Parameter {
  std::string name;            // as in the LibTorch engine: "network.encoder.0.weight"
  std::vector<int64_t> shape;  // in this graph's layout
  Layout layout;
  Kind kind;
  Output handle;    // the resource variable
  Output value;     // its value (ReadVariableOp)
  Output incoming;  // what `assign` writes
  TF_Operation* assign;

  // The shape a state dict holds it in.
  std::vector<int64_t> stateShape() const;
  int64_t elements() const;
};

class Parameters {
 public:
  // The value of a new variable; its name is the LibTorch engine's.
  Output add(Graph& graph, const std::string& name, std::vector<int64_t> shape, Layout layout, Kind kind);
  const std::vector<Parameter>& all() const { return parameters_; }

 private:
  std::vector<Parameter> parameters_;
};

// Host values of `parameter` from this graph's layout to the state dict's, and back.
HostArray toStateLayout(const Parameter& parameter, const HostArray& graphValues);
HostArray fromStateLayout(const Parameter& parameter, const HostArray& stateValues);

// A float32 resource variable: its handle.
Output resourceVariable(Graph& graph, const std::string& name, const std::vector<int64_t>& shape);
Output readVariable(Graph& graph, Output handle);

}  // namespace ptychopinn::tf

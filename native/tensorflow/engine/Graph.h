// A TF_Graph built through TF_NewOperation, with readable unique names (scoped like
// "network/encoder/conv_0") and the handful of ops the model and the physics use.
// Building reports every TensorFlow error as an exception (Status.h).
#pragma once
#include <tensorflow/c/c_api.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tensorflow/engine/Tensors.h"

namespace ptychopinn::tf {

using Output = TF_Output;

class Graph {
 public:
  Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  TF_Graph* get() const { return graph_.get(); }

  // One operation being described: inputs and attributes, then finish().
  class Op {
   public:
    Op(Graph& graph, const char* type, const std::string& name);
    Op(const Op&) = delete;
    ~Op();
    Op& input(Output value);
    Op& inputs(const std::vector<Output>& values);
    Op& control(TF_Operation* operation);
    Op& attr(const char* name, TF_DataType value);
    Op& attr(const char* name, int64_t value);
    Op& attr(const char* name, bool value);
    Op& attr(const char* name, float value);
    Op& attr(const char* name, const std::string& value);
    Op& attr(const char* name, const std::vector<int64_t>& values);  // list(int)
    Op& shapeAttr(const char* name, const std::vector<int64_t>& dims);
    Op& tensorAttr(const char* name, const TF_Tensor* value);
    TF_Operation* finish();
    Output output(int index = 0) { return {finish(), index}; }

   private:
    TF_OperationDescription* description_;
  };

  // Ops created while it lives are named under `name/`.
  class Scope {
   public:
    Scope(Graph& graph, const std::string& name);
    Scope(const Scope&) = delete;
    ~Scope();

   private:
    Graph& graph_;
    size_t previousLength_;
  };

  Op op(const char* type, const std::string& name = "") { return Op(*this, type, uniqueName(type, name)); }
  [[nodiscard]] Scope scope(const std::string& name) { return Scope(*this, name); }

  static TF_DataType typeOf(Output value) { return TF_OperationOutputType(value); }

  Output placeholder(TF_DataType type, const std::vector<int64_t>& shape, const std::string& name);
  Output constant(const TF_Tensor* value, const std::string& name = "");
  Output scalar(double value, TF_DataType type);
  Output int32s(const std::vector<int32_t>& values);

  Output unary(const char* type, Output x) { return op(type).input(x).output(); }
  Output binary(const char* type, Output a, Output b) { return op(type).input(a).input(b).output(); }
  Output add(Output a, Output b) { return binary("AddV2", a, b); }
  Output sub(Output a, Output b) { return binary("Sub", a, b); }
  Output mul(Output a, Output b) { return binary("Mul", a, b); }
  Output div(Output a, Output b) { return binary("RealDiv", a, b); }
  Output cast(Output x, TF_DataType to);
  Output reshape(Output x, const std::vector<int32_t>& shape);
  Output transpose(Output x, const std::vector<int32_t>& permutation);
  Output reduce(const char* type, Output x, const std::vector<int32_t>& axes, bool keepDims);
  Output sum(Output x, const std::vector<int32_t>& axes, bool keepDims = false) {
    return reduce("Sum", x, axes, keepDims);
  }
  Output slice(Output x, const std::vector<int32_t>& begin, const std::vector<int32_t>& size);
  // BatchMatMulV2 a·b (bᵀ when transposeB), broadcasting the leading dimensions.
  Output matmul(Output a, Output b, bool transposeB = false);

 private:
  std::string uniqueName(const std::string& type, const std::string& name);

  std::unique_ptr<TF_Graph, decltype(&TF_DeleteGraph)> graph_;
  std::string prefix_;
  std::map<std::string, int> used_;
};

}  // namespace ptychopinn::tf

#include "tensorflow/engine/Graph.h"

#include "tensorflow/engine/Status.h"

namespace ptychopinn::tf {

Graph::Graph() : graph_(TF_NewGraph(), TF_DeleteGraph) {}

std::string Graph::uniqueName(const std::string& type, const std::string& name) {
  const std::string base = prefix_ + (name.empty() ? type : name);
  const int count = used_[base]++;
  return count == 0 ? base : base + "_" + std::to_string(count);
}

Graph::Scope::Scope(Graph& graph, const std::string& name) : graph_(graph), previousLength_(graph.prefix_.size()) {
  graph_.prefix_ += name + "/";
}

Graph::Scope::~Scope() { graph_.prefix_.resize(previousLength_); }

Graph::Op::Op(Graph& graph, const char* type, const std::string& name)
    : description_(TF_NewOperation(graph.get(), type, name.c_str())) {}

// An op described but never finished would leak its description; TensorFlow offers
// no way to discard one, so finishing it (and ignoring the result) is the cleanup.
Graph::Op::~Op() {
  if (description_ != nullptr) {
    Status ignored;
    TF_FinishOperation(description_, ignored.get());
  }
}

Graph::Op& Graph::Op::input(Output value) {
  TF_AddInput(description_, value);
  return *this;
}

Graph::Op& Graph::Op::inputs(const std::vector<Output>& values) {
  TF_AddInputList(description_, values.data(), static_cast<int>(values.size()));
  return *this;
}

Graph::Op& Graph::Op::control(TF_Operation* operation) {
  TF_AddControlInput(description_, operation);
  return *this;
}

Graph::Op& Graph::Op::attr(const char* name, TF_DataType value) {
  TF_SetAttrType(description_, name, value);
  return *this;
}

Graph::Op& Graph::Op::attr(const char* name, int64_t value) {
  TF_SetAttrInt(description_, name, value);
  return *this;
}

Graph::Op& Graph::Op::attr(const char* name, bool value) {
  TF_SetAttrBool(description_, name, value ? 1 : 0);
  return *this;
}

Graph::Op& Graph::Op::attr(const char* name, float value) {
  TF_SetAttrFloat(description_, name, value);
  return *this;
}

Graph::Op& Graph::Op::attr(const char* name, const std::string& value) {
  TF_SetAttrString(description_, name, value.data(), value.size());
  return *this;
}

Graph::Op& Graph::Op::attr(const char* name, const std::vector<int64_t>& values) {
  TF_SetAttrIntList(description_, name, values.data(), static_cast<int>(values.size()));
  return *this;
}

Graph::Op& Graph::Op::shapeAttr(const char* name, const std::vector<int64_t>& dims) {
  TF_SetAttrShape(description_, name, dims.data(), static_cast<int>(dims.size()));
  return *this;
}

Graph::Op& Graph::Op::tensorAttr(const char* name, const TF_Tensor* value) {
  Status status;
  TF_SetAttrTensor(description_, name, const_cast<TF_Tensor*>(value), status.get());
  status.check(std::string("attribute ") + name);
  return *this;
}

TF_Operation* Graph::Op::finish() {
  Status status;
  auto* description = description_;
  description_ = nullptr;
  TF_Operation* operation = TF_FinishOperation(description, status.get());
  status.check("building the graph");
  return operation;
}

Output Graph::placeholder(TF_DataType type, const std::vector<int64_t>& shape, const std::string& name) {
  return op("Placeholder", name).attr("dtype", type).shapeAttr("shape", shape).output();
}

Output Graph::constant(const TF_Tensor* value, const std::string& name) {
  return op("Const", name).tensorAttr("value", value).attr("dtype", TF_TensorType(value)).output();
}

Output Graph::scalar(double value, TF_DataType type) {
  auto t = allocateTensor(type, {});
  switch (type) {
    case TF_FLOAT:
      *static_cast<float*>(TF_TensorData(t.get())) = static_cast<float>(value);
      break;
    case TF_DOUBLE:
      *static_cast<double*>(TF_TensorData(t.get())) = value;
      break;
    case TF_COMPLEX64:
      static_cast<float*>(TF_TensorData(t.get()))[0] = static_cast<float>(value);
      static_cast<float*>(TF_TensorData(t.get()))[1] = 0;
      break;
    case TF_COMPLEX128:
      static_cast<double*>(TF_TensorData(t.get()))[0] = value;
      static_cast<double*>(TF_TensorData(t.get()))[1] = 0;
      break;
    default:
      throw std::logic_error("internal error: scalar of an unsupported type");
  }
  return constant(t.get());
}

Output Graph::int32s(const std::vector<int32_t>& values) {
  auto t = allocateTensor(TF_INT32, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), static_cast<int32_t*>(TF_TensorData(t.get())));
  return constant(t.get());
}

Output Graph::cast(Output x, TF_DataType to) {
  if (typeOf(x) == to) return x;
  return op("Cast").input(x).attr("SrcT", typeOf(x)).attr("DstT", to).output();
}

Output Graph::reshape(Output x, const std::vector<int32_t>& shape) {
  return op("Reshape").input(x).input(int32s(shape)).output();
}

Output Graph::transpose(Output x, const std::vector<int32_t>& permutation) {
  return op("Transpose").input(x).input(int32s(permutation)).output();
}

Output Graph::reduce(const char* type, Output x, const std::vector<int32_t>& axes, bool keepDims) {
  return op(type).input(x).input(int32s(axes)).attr("keep_dims", keepDims).output();
}

Output Graph::slice(Output x, const std::vector<int32_t>& begin, const std::vector<int32_t>& size) {
  return op("Slice").input(x).input(int32s(begin)).input(int32s(size)).output();
}

Output Graph::matmul(Output a, Output b, bool transposeB) {
  return op("BatchMatMulV2").input(a).input(b).attr("adj_y", transposeB).output();
}

}  // namespace ptychopinn::tf

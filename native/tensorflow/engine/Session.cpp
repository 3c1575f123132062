#include "tensorflow/engine/Session.h"

#include "tensorflow/engine/Status.h"

namespace ptychopinn::tf {

Session::Session(const Graph& graph, const SessionConfig& config) {
  std::unique_ptr<TF_SessionOptions, decltype(&TF_DeleteSessionOptions)> options(TF_NewSessionOptions(),
                                                                                 TF_DeleteSessionOptions);
  const auto proto = serializedConfigProto(config);
  Status status;
  TF_SetConfig(options.get(), proto.data(), proto.size(), status.get());
  status.check("session configuration");
  session_ = TF_NewSession(graph.get(), options.get(), status.get());
  status.check("creating a session");
}

Session::~Session() {
  Status status;
  TF_CloseSession(session_, status.get());
  TF_DeleteSession(session_, status.get());
}

std::vector<TensorPtr> Session::run(const Feeds& feeds, const std::vector<Output>& fetches,
                                    const std::vector<TF_Operation*>& targets) const {
  std::vector<Output> inputs;
  std::vector<TF_Tensor*> values;
  for (const auto& [input, value] : feeds) {
    inputs.push_back(input);
    values.push_back(const_cast<TF_Tensor*>(value));
  }
  std::vector<TF_Tensor*> outputs(fetches.size(), nullptr);
  Status status;
  TF_SessionRun(session_, nullptr, inputs.data(), values.data(), static_cast<int>(inputs.size()), fetches.data(),
                outputs.data(), static_cast<int>(fetches.size()), targets.data(), static_cast<int>(targets.size()),
                nullptr, status.get());
  std::vector<TensorPtr> results;
  for (auto* t : outputs) results.emplace_back(t, TF_DeleteTensor);
  status.check("running the graph");
  return results;
}

}  // namespace ptychopinn::tf

// A TF_Session over a Graph, run with feeds, fetches and targets. Runs are
// thread-safe (TensorFlow's guarantee); the graph must outlive the session.
#pragma once
#include <tensorflow/c/c_api.h>

#include <memory>
#include <utility>
#include <vector>

#include "tensorflow/engine/Graph.h"
#include "tensorflow/engine/SessionConfig.h"
#include "tensorflow/engine/Tensors.h"

namespace ptychopinn::tf {

using Feeds = std::vector<std::pair<Output, const TF_Tensor*>>;

class Session {
 public:
  Session(const Graph& graph, const SessionConfig& config);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  std::vector<TensorPtr> run(const Feeds& feeds, const std::vector<Output>& fetches,
                             const std::vector<TF_Operation*>& targets = {}) const;

 private:
  TF_Session* session_;
};

}  // namespace ptychopinn::tf

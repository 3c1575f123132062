// The PtychoPINN network of reference §6 in a TensorFlow graph, NHWC (TensorFlow's
// CPU kernels refuse NCHW for Conv2D and MaxPool): the encoder of conv-conv-pool
// blocks and two decoders (amplitude, phase) with the pad_object / probe_big last
// stage. Its variables carry the LibTorch engine's names (its Sequential indices
// included), so the two engines' state dicts are one format.
#pragma once
#include "model/ModelConfig.h"
#include "tensorflow/engine/Graph.h"
#include "tensorflow/engine/Parameters.h"

namespace ptychopinn::tf {

struct NetworkOutputs {
  Output amplitude;  // (B, N, N, C_out), NHWC
  Output phase;
};

// input: (B, N, N, C) float32, what the network sees (X at initialisation).
NetworkOutputs buildNetwork(Graph& graph, Parameters& parameters, const model::ModelConfig& config, Output input);

}  // namespace ptychopinn::tf

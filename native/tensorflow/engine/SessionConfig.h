// TensorFlow's thread pools, as a serialized ConfigProto given to TF_SetConfig. They
// are process-wide: the first session created sizes them and later settings are
// ignored, so every session of this addon is made with the one configuration the
// addon was loaded with (the same PTYCHOPINN_NUM_THREADS / core-count default as
// LibTorch's).
#pragma once
#include <string>

namespace ptychopinn::tf {

struct SessionConfig {
  int intraOpThreads = 1;
  int interOpThreads = 1;
};

// ConfigProto { intra_op_parallelism_threads, inter_op_parallelism_threads } in
// protobuf wire format.
std::string serializedConfigProto(const SessionConfig& config);

}  // namespace ptychopinn::tf

#include "tensorflow/engine/SessionConfig.h"

#include <cstdint>

namespace ptychopinn::tf {
namespace {

void appendVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// A varint field: its key (field number, wire type 0), then the value.
void appendVarintField(std::string& out, uint32_t field, uint64_t value) {
  appendVarint(out, uint64_t{field} << 3);
  appendVarint(out, value);
}

// Field numbers of tensorflow/core/protobuf/config.proto.
constexpr uint32_t kIntraOpParallelismThreads = 2;
constexpr uint32_t kInterOpParallelismThreads = 5;

}  // namespace

std::string serializedConfigProto(const SessionConfig& config) {
  std::string proto;
  appendVarintField(proto, kIntraOpParallelismThreads, static_cast<uint64_t>(config.intraOpThreads));
  appendVarintField(proto, kInterOpParallelismThreads, static_cast<uint64_t>(config.interOpThreads));
  return proto;
}

}  // namespace ptychopinn::tf

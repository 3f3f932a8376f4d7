// Parses `.llvm_stackmaps` of a linked executable: one version-3 blob per
// object, concatenated (and possibly padded) by the linker.
#pragma once
#include "meta/metadata.h"

#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace xisa::meta {

struct StackMapRecord {
  uint64_t id = 0;
  uint64_t function_address = 0;
  uint64_t function_stack_size = 0;
  uint64_t record_address = 0; // function_address + instruction offset
  std::vector<LiveValue> live_values; // with their types
};

// Throws xisa::Error if a blob is truncated or of another version.
std::vector<StackMapRecord> parse_stackmaps(llvm::ArrayRef<uint8_t> section);

} // namespace xisa::meta

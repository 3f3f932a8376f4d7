// Parses `.llvm_stackmaps` of a linked executable: one version-3 blob per
// object, concatenated (and possibly padded) by the linker.
#pragma once
#include "meta/metadata.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Object/ObjectFile.h"

#include <string>
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

// The records of the executable `object` (read from `path`), none without
// the section; throws xisa::Error naming `path` if they cannot be read.
std::vector<StackMapRecord> stackmap_records(const llvm::object::ObjectFile &object,
                                             const std::string &path);

} // namespace xisa::meta

// The contents of one section of an executable, decompressed if the link
// step compressed it (SHF_COMPRESSED: the metadata sections the program
// does not load, see compiler/link/call_site_table.h).
#pragma once
#include "llvm/ADT/StringRef.h"
#include "llvm/Object/ObjectFile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace xisa::meta {

// nullopt if `object` has no section `name`; throws xisa::Error (naming
// `path`) if it cannot be read or decompressed.
std::optional<std::vector<uint8_t>> section_bytes(const llvm::object::ObjectFile &object,
                                                  llvm::StringRef name, const std::string &path);

} // namespace xisa::meta

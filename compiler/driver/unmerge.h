// String literals and small constants go to mergeable sections
// (.rodata.str1.1, .rodata.cst16) that the linker pools and deduplicates per
// ISA, so a pointer to a literal would differ between the ISAs. Clearing
// SHF_MERGE makes each object's pool an ordinary input section, which the
// layout step then places at one address like any other.
#pragma once
#include <string>
#include <vector>

namespace xisa::driver {

// llvm-objcopy arguments that clear SHF_MERGE/SHF_STRINGS on every mergeable
// allocated section of the object at `path` (empty if it has none).
std::vector<std::string> unmerge_args(const std::string &path);

} // namespace xisa::driver

// Lookups in a process's mappings (mm-<pid>.img's vma entries, sorted by
// address).
#pragma once
#include "images/image_set.h"

#include <cstdint>
#include <vector>

namespace xisa::transform {

// The mapping holding addr, or nullptr.
const images::Vma *mapping_at(const std::vector<images::Vma> &vmas, uint64_t addr);
// Whether [start, end) is covered by mappings that allow at least `prot`
// (PROT_* bits); a range may span adjacent ones (file-backed .data followed
// by the heap).
bool is_mapped(const std::vector<images::Vma> &vmas, uint64_t start, uint64_t end,
               uint32_t prot = 0);

} // namespace xisa::transform

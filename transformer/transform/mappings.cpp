#include "transform/mappings.h"

#include <algorithm>

namespace xisa::transform {

const images::Vma *mapping_at(const std::vector<images::Vma> &vmas, uint64_t addr) {
  auto vma = std::find_if(vmas.begin(), vmas.end(), [addr](const images::Vma &v) {
    return addr >= v.start && addr < v.end;
  });
  return vma == vmas.end() ? nullptr : &*vma;
}

bool is_mapped(const std::vector<images::Vma> &vmas, uint64_t start, uint64_t end,
               uint32_t prot) {
  while (start < end) {
    const images::Vma *vma = mapping_at(vmas, start);
    if (!vma || (vma->prot & prot) != prot)
      return false;
    start = vma->end;
  }
  return true;
}

} // namespace xisa::transform

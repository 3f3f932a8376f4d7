#include "support/callee_saved.h"

#include <algorithm>

namespace xisa {

// x86-64 SysV: rbx, rbp, r12-r15 (no vector register survives a call).
static constexpr uint16_t kX86Saved[] = {3, 6, 12, 13, 14, 15};
// AAPCS64: x19-x28, fp (x29), lr (x30), and the low halves of v8-v15 (d8-d15).
static constexpr uint16_t kAarch64Saved[] = {19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                                             72, 73, 74, 75, 76, 77, 78, 79};
// ELFv2: r14-r31, f14-f31 (46-63), the condition-register fields cr2-cr4
// (70-72), v20-v31 (97-108); r2 (TOC) is restored by the caller in a static
// program's single TOC, so it is constant.
static constexpr uint16_t kPpc64Saved[] = {
    14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,  29,  30,  31,  46,  47,
    48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62,  63,  70,  71,  72,  97,
    98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108};

std::span<const uint16_t> callee_saved_regs(Isa isa) {
  switch (isa) {
  case Isa::X86_64:
    return kX86Saved;
  case Isa::AArch64:
    return kAarch64Saved;
  case Isa::PPC64LE:
    return kPpc64Saved;
  }
  return {};
}

bool is_callee_saved(Isa isa, unsigned dwarf_reg) {
  std::span<const uint16_t> saved = callee_saved_regs(isa);
  return std::find(saved.begin(), saved.end(), dwarf_reg) != saved.end();
}

unsigned callee_saved_bytes(Isa isa, unsigned dwarf_reg) {
  if (!is_callee_saved(isa, dwarf_reg))
    return 0;
  return isa == Isa::PPC64LE && dwarf_reg >= 97 ? 16 : 8;
}

} // namespace xisa

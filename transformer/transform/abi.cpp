#include "transform/abi.h"

#include <algorithm>

namespace xisa::transform {

// x86-64 SysV: rbx, rbp, r12-r15 (no vector register survives a call).
static constexpr uint16_t kX86Saved[] = {3, 6, 12, 13, 14, 15};
// AAPCS64: x19-x28, fp (x29), lr (x30), and the low halves of v8-v15 (d8-d15).
static constexpr uint16_t kAarch64Saved[] = {19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
                                             72, 73, 74, 75, 76, 77, 78, 79};
// ELFv2: r14-r31, f14-f31 (46-63), v20-v31 (97-108); r2 (TOC) is restored by
// the caller in a static program's single TOC, so it is constant.
static constexpr uint16_t kPpc64Saved[] = {
    14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,  29,  30,  31,  46,  47, 48,
    49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 97, 98, 99, 100, 101, 102,
    103, 104, 105, 106, 107, 108};

static const Abi kAbis[] = {
    {Isa::X86_64, 7, 6, kNoReg, kNoReg, 8, false, false, 16, kX86Saved},
    {Isa::AArch64, 31, 29, kNoReg, kNoReg, 0, false, false, 16, kAarch64Saved},
    {Isa::PPC64LE, 1, 31, 13, 2, 0, true, true, 16, kPpc64Saved},
};

const Abi &abi(Isa isa) { return kAbis[static_cast<int>(isa)]; }

unsigned Abi::reg_size(uint16_t reg) const {
  switch (isa) {
  case Isa::X86_64:
    return reg >= 17 && reg <= 32 ? 16 : 8; // xmm0-15
  case Isa::AArch64:
    return 8; // only d8-d15 of the vector registers survive calls
  case Isa::PPC64LE:
    return reg >= 77 && reg <= 108 ? 16 : 8; // v0-v31
  }
  return 8;
}

bool Abi::is_callee_saved(uint16_t reg) const {
  return std::find(callee_saved.begin(), callee_saved.end(), reg) != callee_saved.end();
}

} // namespace xisa::transform

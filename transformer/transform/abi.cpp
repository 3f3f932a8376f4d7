#include "transform/abi.h"

#include "support/callee_saved.h"

namespace xisa::transform {

static const Abi kAbis[] = {
    {Isa::X86_64, 7, 6, kNoReg, kNoReg, 8, false, false, 16, callee_saved_regs(Isa::X86_64)},
    {Isa::AArch64, 31, 29, kNoReg, kNoReg, 0, false, false, 16, callee_saved_regs(Isa::AArch64)},
    {Isa::PPC64LE, 1, 31, 13, 2, 0, true, true, 16, callee_saved_regs(Isa::PPC64LE)},
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

int Abi::condition_field(uint16_t reg) const {
  return isa == Isa::PPC64LE && reg >= kPpcCr0 && reg < kPpcCr0 + 8 ? reg - kPpcCr0 : -1;
}

bool Abi::is_callee_saved(uint16_t reg) const { return xisa::is_callee_saved(isa, reg); }

} // namespace xisa::transform

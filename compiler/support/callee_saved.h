// The registers each ISA's C ABI has a callee preserve, in DWARF numbers (the
// numbering of stackmaps and .eh_frame): what a frame still holds when a
// call returns to it.
#pragma once
#include "support/isa.h"

#include <cstdint>
#include <span>

namespace xisa {

std::span<const uint16_t> callee_saved_regs(Isa isa);
bool is_callee_saved(Isa isa, unsigned dwarf_reg);
// How many low bytes of `dwarf_reg` a call preserves: 0 if the callee may
// clobber it, 16 for ppc64's v20-v31, else 8 (aarch64 keeps only d8-d15 of
// v8-v15, ppc64 only f14-f31 of vs14-vs31).
unsigned callee_saved_bytes(Isa isa, unsigned dwarf_reg);

} // namespace xisa

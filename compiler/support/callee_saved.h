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

} // namespace xisa

// Keeps the program's constants out of the backend's mergeable constant
// pools (.rodata.cst4/8/16/32). Code generation adds its own, per-ISA
// constants to those pools (vector masks, FP immediates), so a constant of
// the program that shared one would sit at a different offset, hence a
// different address, on each ISA: the layout must give it one address.
// C string literals stay mergeable: only the program puts strings there.
#pragma once
#include "llvm/IR/Module.h"

namespace xisa::pass {

// Returns true if any global changed.
bool keepConstantsOutOfPools(llvm::Module &module);

} // namespace xisa::pass

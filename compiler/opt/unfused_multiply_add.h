// Multiply-adds are rounded twice on every ISA. The front end joins a*b+c
// into llvm.fmuladd, which x86-64 (no FMA) computes as a multiply and an
// add, each rounded, while aarch64's and ppc64le's code generators fuse it
// into one rounding: their results would differ from x86-64's in the last
// bits, and a moved program's from an unmoved one's. Applied after the
// optimizer, which keeps seeing the intrinsic it costs and vectorizes as
// clang's pipeline does (written as a multiply and an add from the start,
// pairs ran six times the instructions). A user's -ffp-contract=fast puts
// `contract` on the operations instead, and the code generators may fuse.
#pragma once
#include "llvm/IR/Module.h"

namespace xisa::opt {

// Replaces every llvm.fmuladd with an fmul and an fadd of its flags.
void unfuseMultiplyAdds(llvm::Module &module);

} // namespace xisa::opt

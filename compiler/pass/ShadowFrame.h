// Moves the allocas that survived optimization into a shadow frame on the
// thread's shadow stack (docs/design.md, "Shadow frames"). The layout comes
// from the DataLayout, which is the same on all three ISAs, so a pointer to a
// local is valid wherever the process runs.
#pragma once
#include "llvm/IR/Function.h"

namespace xisa::pass {

// Returns the frame size in bytes (0: the function had no allocas and was
// left alone).
uint64_t buildShadowFrame(llvm::Function &function);

} // namespace xisa::pass

// Moves the allocas that survived optimization, and copies of byval
// arguments, into a shadow frame on the
// thread's shadow stack (docs/design.md, "Shadow frames"). The layout comes
// from the DataLayout, which is the same on all three ISAs, so a pointer to a
// local is valid wherever the process runs.
#pragma once
#include "llvm/IR/Function.h"

namespace xisa::pass {

struct ShadowFrame {
  uint64_t size = 0;                  // 0: no locals, the function was left alone
  llvm::Instruction *body = nullptr;  // first instruction after the prologue
};

ShadowFrame buildShadowFrame(llvm::Function &function);

} // namespace xisa::pass

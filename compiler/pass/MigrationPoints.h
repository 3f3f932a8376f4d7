// Places migration points: `if (load volatile __xisa_poll) __xisa_mig_point()`
// with a cold branch, on every loop header (so every back-edge passes one) and
// at function entry when the function makes calls (catches unbounded
// recursion). A function without loops or calls finishes in bounded time and
// gets none.
#pragma once
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Function.h"

namespace xisa::pass {

// Returns the number of points placed. The entry point goes before `body`
// (after the shadow-frame prologue, so the frame is set up when it parks).
unsigned placeMigrationPoints(llvm::Function &function, const llvm::LoopInfo &loops,
                              llvm::Instruction *body);

} // namespace xisa::pass

// A function with an entry point whose first test may return at once
// without a call (fib's `n < 2`, hanoi's `n == 0`, a tree walk's `!t`)
// pays for the point on that path too: the point's call needs the frame, so
// the backend sets up the frame pointer and saves callee-saved registers
// before the test, where plain clang returns before any of it
// (shrink-wrapping). Recursions end on that path on about half their calls.
//
// The test is made once more ahead of the point: when it picks the quick
// return, the poll flag is checked there and the return taken without a
// frame; a set flag goes on through the entry point as before. So every
// call still reaches the entry point when a move was requested (and every
// call counts one point while the runtime counts them), and no call site,
// record or live value changes.
#pragma once
#include "llvm/IR/Function.h"

namespace xisa::pass {

// `function`'s entry block must start with its entry point (no shadow
// frame). Returns whether a quick return was added.
bool addQuickReturn(llvm::Function &function);

} // namespace xisa::pass

// Places migration points: `if (load volatile __xisa_poll) __xisa_mig_point()`
// with a cold branch, so that the time between two points stays bounded:
//
// - at function entry when the function makes calls (bounds recursion);
// - a loop that calls a function of this module with an entry point gets
//   points only on the edges of iterations that call none (tail recursion
//   made a loop: fib's `fib(n - 1)` every iteration, ackermann's all but
//   the `n == 0` one), as the callee's entry point bounds the others;
// - a loop whose whole run is known to be short (a constant bound on its trip
//   count, ScalarEvolution's or TripBounds.h's, times its body, subloops
//   included, at most kLoopWork IR instructions) gets none: the enclosing
//   loop's point or the function's return bounds it;
// - an innermost loop whose exit count ScalarEvolution computes is
//   strip-mined (StripMine.h): a point between strips of at most
//   kStripIterations iterations and at most kLoopWork IR instructions;
// - every other loop polls on its header, on every iteration, or on every
//   kPollUnroll-th when it is small and innermost (PollUnroll.h).
//
// So between two points a thread runs at most kLoopWork IR instructions of
// loop iterations (about as many machine instructions), besides straight-line
// code and calls to functions without points (leaf functions, and the leaf
// libc calls of RuntimeAbi.h, which are not bounded: memset of a large
// buffer). A function without loops or calls finishes in bounded time and
// gets none.
#pragma once
#include "TripBounds.h"

#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/Function.h"

#include <cstdint>

namespace xisa::pass {

// The bound on loop work between two points, in IR instructions (about 5 us
// at one instruction per cycle), and on the iterations of one strip.
inline constexpr uint64_t kLoopWork = 16384;
inline constexpr uint64_t kStripIterations = 1024;

// Functions that reach a migration point on every call: the ones this pass
// gives an entry point (migratable, making calls), whose definition here is
// the one the program runs.
using EntryPolling = llvm::SmallPtrSet<const llvm::Function *, 16>;
EntryPolling functionsPollingOnEntry(llvm::Module &module);

// Returns the number of points placed. The entry point goes before `body`
// (after the shadow-frame prologue, so the frame is set up when it parks).
// Strip-mining changes the CFG: `dominators` and `loops` are stale after.
unsigned placeMigrationPoints(llvm::Function &function, llvm::DominatorTree &dominators,
                              llvm::LoopInfo &loops, llvm::Instruction *body,
                              const TripBounds &bounds, const EntryPolling &entryPolling);

} // namespace xisa::pass

// Loops that must poll on every iteration (no bound on their run, no exit
// count to strip-mine by) poll once per few iterations instead when their
// body is small, where the poll's load and branch are a large share of an
// iteration: the loop is unrolled, each copy keeping its own exit tests, and
// the point goes on the unrolled loop's header (heap's `for (k = 0; k <
// size; k += 61)`, whose exit count ScalarEvolution cannot compute as k
// may wrap). Between two points the loop then runs at most kPollUnroll
// iterations of at most kPollUnrollBody IR instructions each, far below
// kLoopWork. Loops that make calls stay as they are: a call costs far more
// than a poll, and unrolled, its copies' call sites multiply the frames a
// move may have to rebuild (strings' tolower loop crashed after a move to
// ppc64le at such a loop's point).
#pragma once
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/IR/Dominators.h"

#include <cstdint>

namespace xisa::pass {

// 8 rather than 4: Ir against plain fannkuch +4.0% -> +1.4%, threads
// +5.1% -> +3.2%, heap +8.6% -> +7.7% (bench/toolchain/NOTES.md, session
// 11), for a few hundred bytes of code.
inline constexpr unsigned kPollUnroll = 8;
inline constexpr uint64_t kPollUnrollBody = 32;

// Unrolls `loop` kPollUnroll times if it is innermost, small and makes no calls;
// returns whether it did. `loops`, `dominators` and `se` stay valid.
bool unrollPollingLoop(llvm::Loop &loop, llvm::LoopInfo &loops, llvm::DominatorTree &dominators,
                       llvm::ScalarEvolution &se, llvm::AssumptionCache &assumptions);

} // namespace xisa::pass

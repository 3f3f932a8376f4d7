// Strip-mining of innermost loops for cheap migration points (HotSpot's loop
// strip mining): the loop runs in strips of at most `strip` iterations, and
// the point sits between two strips instead of on every iteration. The strip
// counter replaces the loop's exit test inside a strip (`dec; jne` where the
// loop had `cmp; jne` and a poll), so an iteration costs what it cost
// before instrumentation.
//
// Planning expands the latch's exact exit count in the preheader and changes
// no block; apply() then rewrites the CFG. Plan every loop of a function
// before applying any plan, so ScalarEvolution sees the original loops.
#pragma once
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

#include <optional>

namespace xisa::pass {

struct StripPlan {
  llvm::Loop *loop;
  llvm::Value *backedges; // times the latch branches back before it exits, in the preheader
  uint64_t strip;         // iterations per strip, >= 2
};

// A plan for `loop` if it is innermost, has a preheader and one latch, exits from its
// latch with an exit count that ScalarEvolution knows exactly and that is
// cheap to compute before the loop.
std::optional<StripPlan> planStrips(llvm::Loop &loop, uint64_t strip, llvm::ScalarEvolution &se,
                                    llvm::SCEVExpander &expander);

// Rewrites the loop into strips and returns the instruction, on the path
// from one strip to the next, before which the migration point goes.
llvm::Instruction *applyStrips(const StripPlan &plan);

} // namespace xisa::pass

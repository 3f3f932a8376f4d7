// Bounds on loop trip counts that ScalarEvolution's constant bound misses,
// from the memory a loop accesses: a loop that reads or writes a global
// array at an index stepping with every iteration runs no more iterations
// than the array has room for, or the program's behaviour is undefined
// (nbody's `for (j = i + 1; j < 5; j++)` over `bodies[5]`, whose exit
// count `4 - i` ScalarEvolution cannot bound, as it wraps for the i that
// the guard before the loop excludes).
#pragma once
#include "llvm/ADT/DenseMap.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Function.h"

#include <cstdint>

namespace xisa::pass {

// Loop header -> a bound on that loop's trip count (loops without one are
// absent).
using TripBounds = llvm::DenseMap<const llvm::BasicBlock *, uint64_t>;

TripBounds tripBoundsFromAccesses(llvm::Function &function, llvm::DominatorTree &dominators,
                                  llvm::LoopInfo &loops);

} // namespace xisa::pass

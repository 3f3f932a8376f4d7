// SSA liveness across call instructions. Values are numbered in an
// ISA-independent order (arguments by position, then instructions in block
// and program order), and live sets come back in that order, so the i-th live
// value of a call site means the same on every ISA.
#pragma once
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/Function.h"

#include <vector>

namespace xisa::pass {

class Liveness {
public:
  explicit Liveness(llvm::Function &function);

  // Values defined before `call` and used after it (not the call's result).
  std::vector<llvm::Value *> liveAcross(const llvm::Instruction &call) const;

private:
  void markUse(const llvm::Value *value, unsigned number, const llvm::BasicBlock *useBlock);

  std::vector<llvm::Value *> values;                    // number -> value
  llvm::DenseMap<const llvm::Value *, unsigned> number; // value -> number
  llvm::DenseMap<const llvm::BasicBlock *, llvm::BitVector> liveIn, liveOut;
};

} // namespace xisa::pass

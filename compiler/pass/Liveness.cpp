#include "Liveness.h"

#include "llvm/IR/CFG.h"
#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace xisa::pass {

static bool tracked(const Value &value) {
  return !value.getType()->isVoidTy() && !value.getType()->isTokenTy() &&
         !value.getType()->isMetadataTy();
}

Liveness::Liveness(Function &function) {
  for (Argument &arg : function.args())
    if (tracked(arg)) {
      number[&arg] = values.size();
      values.push_back(&arg);
    }
  for (BasicBlock &block : function)
    for (Instruction &inst : block)
      if (tracked(inst)) {
        number[&inst] = values.size();
        values.push_back(&inst);
      }
  for (BasicBlock &block : function) {
    liveIn[&block].resize(values.size());
    liveOut[&block].resize(values.size());
  }
  // Walk every use backwards to the definition (the classic per-variable
  // path exploration; SSA needs no iteration to a fixed point).
  for (unsigned n = 0; n < values.size(); ++n)
    for (const Use &use : values[n]->uses()) {
      const auto *user = cast<Instruction>(use.getUser());
      if (const auto *phi = dyn_cast<PHINode>(user)) {
        const BasicBlock *incoming = phi->getIncomingBlock(use);
        if (!liveOut[incoming].test(n)) {
          liveOut[incoming].set(n);
          markUse(values[n], n, incoming);
        }
      } else {
        markUse(values[n], n, user->getParent());
      }
    }
}

// `value` is used in (or live out of) `useBlock`: it is live into that block
// unless defined there, and live out of every predecessor on the way up.
void Liveness::markUse(const Value *value, unsigned n, const BasicBlock *useBlock) {
  const auto *def = dyn_cast<Instruction>(value);
  const BasicBlock *defBlock = def ? def->getParent() : nullptr;
  std::vector<const BasicBlock *> work;
  if (useBlock != defBlock && !liveIn[useBlock].test(n)) {
    liveIn[useBlock].set(n);
    work.push_back(useBlock);
  }
  while (!work.empty()) {
    const BasicBlock *block = work.back();
    work.pop_back();
    for (const BasicBlock *pred : predecessors(block)) {
      liveOut[pred].set(n);
      if (pred != defBlock && !liveIn[pred].test(n)) {
        liveIn[pred].set(n);
        work.push_back(pred);
      }
    }
  }
}

std::vector<Value *> Liveness::liveAcross(const Instruction &call) const {
  const BasicBlock *block = call.getParent();
  BitVector live = liveOut.lookup(block);
  // Walk the block backwards from its end to the call: uses add, defs remove.
  for (const Instruction &inst : reverse(*block)) {
    if (&inst == &call)
      break;
    if (auto it = number.find(&inst); it != number.end())
      live.reset(it->second);
    if (isa<PHINode>(inst))
      continue;
    for (const Value *operand : inst.operands())
      if (auto it = number.find(operand); it != number.end())
        live.set(it->second);
  }
  if (auto it = number.find(&call); it != number.end())
    live.reset(it->second);
  std::vector<Value *> out;
  for (unsigned n : live.set_bits())
    out.push_back(values[n]);
  return out;
}

} // namespace xisa::pass

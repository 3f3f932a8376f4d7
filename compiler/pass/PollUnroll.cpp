#include "PollUnroll.h"

#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/LoopSimplify.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/UnrollLoop.h"

using namespace llvm;

namespace xisa::pass {

bool unrollPollingLoop(Loop &loop, LoopInfo &loops, DominatorTree &dominators,
                       ScalarEvolution &se, AssumptionCache &assumptions) {
  if (!loop.isInnermost() || loop.getNumBackEdges() != 1 || !loop.isSafeToClone())
    return false;
  uint64_t body = 0;
  for (const BasicBlock *block : loop.blocks()) {
    body += block->size();
    for (const Instruction &inst : *block)
      if (isa<CallBase>(inst) && !isa<IntrinsicInst>(inst))
        return false;
  }
  if (body > kPollUnrollBody)
    return false;
  // The unroller wants the loop simplified and its values used outside
  // through LCSSA phis: each copy's exit adds an incoming value to them.
  simplifyLoop(&loop, &dominators, &loops, &se, &assumptions, nullptr, false);
  formLCSSA(loop, dominators, &loops, &se);
  Function &function = *loop.getHeader()->getParent();
  TargetTransformInfo generic(function.getParent()->getDataLayout());
  OptimizationRemarkEmitter remarks(&function);
  UnrollLoopOptions options{};
  options.Count = kPollUnroll;
  options.Force = true;
  LoopUnrollResult result = UnrollLoop(&loop, options, &loops, &se, &dominators, &assumptions,
                                       &generic, &remarks, true);
  return result == LoopUnrollResult::PartiallyUnrolled;
}

} // namespace xisa::pass

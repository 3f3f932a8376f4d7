#include "MigrationPoints.h"

#include "RuntimeAbi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"

using namespace llvm;

namespace xisa::pass {

static void placePoint(Instruction *before) {
  Module &module = *before->getModule();
  IRBuilder<> builder(before);
  LoadInst *flag = builder.CreateLoad(builder.getInt32Ty(), getPollFlag(module), "xisa.poll");
  flag->setVolatile(true);
  Value *requested = builder.CreateICmpNE(flag, builder.getInt32(0));
  MDNode *cold = MDBuilder(module.getContext()).createUnlikelyBranchWeights();
  Instruction *then = SplitBlockAndInsertIfThen(requested, before, false, cold);
  then->getParent()->setName("xisa.migrate");
  IRBuilder<>(then).CreateCall(getMigPoint(module));
}

static bool makesCalls(const Function &function) {
  for (const BasicBlock &block : function)
    for (const Instruction &inst : block)
      if (const auto *call = dyn_cast<CallBase>(&inst); call && mayReachMigrationPoint(*call))
        return true;
  return false;
}

unsigned placeMigrationPoints(Function &function, const LoopInfo &loops, Instruction *body) {
  // Collect first: placing a point splits blocks.
  std::vector<Instruction *> points;
  if (makesCalls(function))
    points.push_back(body);
  for (Loop *loop : loops.getLoopsInPreorder())
    points.push_back(&*loop->getHeader()->getFirstInsertionPt());
  for (Instruction *before : points)
    placePoint(before);
  return points.size();
}

} // namespace xisa::pass

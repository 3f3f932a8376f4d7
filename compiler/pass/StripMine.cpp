#include "StripMine.h"

#include "llvm/Analysis/TargetTransformInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Local.h"

using namespace llvm;

namespace xisa::pass {

// What computing the exit count before the loop may cost, in basic
// instructions of the generic cost model: a subtraction and a division (a
// loop stepping by a variable) pass, deeper expressions do not.
static constexpr unsigned kExpansionBudget = 8;

std::optional<StripPlan> planStrips(Loop &loop, uint64_t strip, ScalarEvolution &se,
                                    SCEVExpander &expander) {
  BasicBlock *latch = loop.getLoopLatch();
  if (strip < 2 || !loop.isInnermost() || !loop.getLoopPreheader() || !latch ||
      !loop.isLoopExiting(latch))
    return std::nullopt;
  auto *branch = dyn_cast<BranchInst>(latch->getTerminator());
  if (!branch || !branch->isConditional())
    return std::nullopt;
  const SCEV *backedges = se.getExitCount(&loop, latch);
  if (isa<SCEVCouldNotCompute>(backedges) || !backedges->getType()->isIntegerTy())
    return std::nullopt;
  // Counted in 64 bits at least, so that a strip's length fits.
  Type *i64 = Type::getInt64Ty(latch->getContext());
  if (backedges->getType()->getIntegerBitWidth() < 64)
    backedges = se.getZeroExtendExpr(backedges, i64);
  Instruction *at = loop.getLoopPreheader()->getTerminator();
  TargetTransformInfo generic(at->getModule()->getDataLayout());
  if (!expander.isSafeToExpandAt(backedges, at) ||
      expander.isHighCostExpansion({backedges}, &loop, kExpansionBudget, &generic, at))
    return std::nullopt;
  Value *value = expander.expandCodeFor(backedges, backedges->getType(), at);
  return StripPlan{&loop, value, strip};
}

// Before: preheader -> header ... latch -(cond)-> header | exit.
// After:  preheader -> strip -> header ... latch -(counter done)-> strip.end
//         -(no backedge left)-> exit | next -> strip, with `left` backedges
//         still to go at each strip's start and a strip of
//         min(left, strip - 1) + 1 iterations. The exit count is exact, so
//         cond is false up to the loop's last iteration and need not be
//         tested: it is true exactly when a strip runs out with no backedge
//         left (`left` after the strip wraps to all ones).
Instruction *applyStrips(const StripPlan &plan) {
  Loop &loop = *plan.loop;
  BasicBlock *preheader = loop.getLoopPreheader(), *header = loop.getHeader(),
             *latch = loop.getLoopLatch();
  Function &function = *header->getParent();
  LLVMContext &context = function.getContext();
  auto *exitTest = cast<BranchInst>(latch->getTerminator());
  auto *type = cast<IntegerType>(plan.backedges->getType());

  auto *strip = BasicBlock::Create(context, "xisa.strip", &function, header);
  auto *stripEnd = BasicBlock::Create(context, "xisa.strip.end", &function, latch->getNextNode());
  auto *next = BasicBlock::Create(context, "xisa.strip.next", &function, stripEnd->getNextNode());
  preheader->getTerminator()->replaceSuccessorWith(header, strip);

  // The header's values flow through `strip` from the preheader and from
  // the previous strip.
  IRBuilder<> atStrip(strip);
  PHINode *left = atStrip.CreatePHI(type, 2, "xisa.left");
  left->addIncoming(plan.backedges, preheader);
  for (PHINode &phi : header->phis()) {
    PHINode *through = atStrip.CreatePHI(phi.getType(), 2, phi.getName() + ".strip");
    through->addIncoming(phi.getIncomingValueForBlock(preheader), preheader);
    through->addIncoming(phi.getIncomingValueForBlock(latch), next);
    int fromPreheader = phi.getBasicBlockIndex(preheader);
    phi.setIncomingBlock(fromPreheader, strip);
    phi.setIncomingValue(fromPreheader, through);
  }
  Value *more = atStrip.CreateBinaryIntrinsic(Intrinsic::umin, left,
                                              ConstantInt::get(type, plan.strip - 1));
  Value *iterations = atStrip.CreateAdd(more, ConstantInt::get(type, 1), "xisa.strip.iterations");
  // Computed here, so that one value, not two, stays live through the strip.
  Value *leftAfter = atStrip.CreateSub(left, iterations, "xisa.left.after");
  atStrip.CreateBr(header);

  PHINode *counter = PHINode::Create(type, 2, "xisa.strip.counter");
  counter->insertBefore(header->begin());
  counter->addIncoming(iterations, strip);
  IRBuilder<> atLatch(exitTest);
  Value *counted = atLatch.CreateSub(counter, ConstantInt::get(type, 1));
  counter->addIncoming(counted, latch);
  BranchInst *stripTest =
      atLatch.CreateCondBr(atLatch.CreateICmpEQ(counted, ConstantInt::get(type, 0)), stripEnd,
                           header, MDBuilder(context).createBranchWeights(1, plan.strip - 1));
  stripTest->setMetadata(LLVMContext::MD_loop, exitTest->getMetadata(LLVMContext::MD_loop));

  // The strip that took every backedge left was the last one. The original
  // test goes: LSR would keep the induction variable's previous value alive
  // through the loop for it (a register copy per iteration in matmul).
  BasicBlock *exit = exitTest->getSuccessor(exitTest->getSuccessor(0) == header ? 1 : 0);
  Value *last = IRBuilder<>(stripEnd).CreateICmpEQ(leftAfter, ConstantInt::getAllOnesValue(type));
  BranchInst::Create(exit, next, last, stripEnd);
  exit->replacePhiUsesWith(latch, stripEnd);
  Value *condition = exitTest->getCondition();
  exitTest->eraseFromParent();
  RecursivelyDeleteTriviallyDeadInstructions(condition);

  left->addIncoming(leftAfter, next);
  return BranchInst::Create(strip, next);
}

} // namespace xisa::pass

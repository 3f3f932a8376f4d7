#include "MigrationPoints.h"

#include "PollUnroll.h"
#include "RuntimeAbi.h"
#include "StripMine.h"

#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/LoopUtils.h"

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

// IR instructions in the loop's blocks outside its subloops (a call counts
// as one: a callee that may run long has points of its own).
static uint64_t ownSize(const Loop &loop, const LoopInfo &loops) {
  uint64_t size = 0;
  for (const BasicBlock *block : loop.blocks())
    if (loops.getLoopFor(block) == &loop)
      size += block->size();
  return size;
}

// The IR instructions a whole run of `loop` executes at most, if that is
// known and within kLoopWork: a constant bound on its trip count times its
// body, subloops included.
static std::optional<uint64_t> boundedWork(const Loop &loop, const LoopInfo &loops,
                                           ScalarEvolution &se, const TripBounds &bounds) {
  uint64_t trips = se.getSmallConstantMaxTripCount(&loop);
  if (auto bound = bounds.find(loop.getHeader()); bound != bounds.end())
    trips = trips ? std::min(trips, bound->second) : bound->second;
  if (trips == 0 || trips > kLoopWork)
    return std::nullopt;
  uint64_t body = ownSize(loop, loops);
  for (const Loop *sub : loop.getSubLoops()) {
    std::optional<uint64_t> work = boundedWork(*sub, loops, se, bounds);
    if (!work)
      return std::nullopt;
    body += *work;
  }
  if (body > kLoopWork / trips)
    return std::nullopt;
  return trips * body;
}

unsigned placeMigrationPoints(Function &function, DominatorTree &dominators, LoopInfo &loops,
                              Instruction *body, const TripBounds &bounds) {
  // The optimizer's last CFG simplification may have folded a loop's
  // preheader into the guard before it; strips start there.
  for (Loop *loop : loops.getLoopsInPreorder())
    if (loop->isInnermost() && !loop->getLoopPreheader())
      InsertPreheaderForLoop(loop, &dominators, &loops, nullptr, false);
  TargetLibraryInfoImpl libraryInfo(Triple(function.getParent()->getTargetTriple()));
  TargetLibraryInfo libraries(libraryInfo, &function);
  AssumptionCache assumptions(function);
  ScalarEvolution se(function, libraries, assumptions, dominators, loops);
  SCEVExpander expander(se, function.getParent()->getDataLayout(), "xisa.strip");

  // Decide for every loop before changing any: placing a point splits
  // blocks, and strips add blocks that LoopInfo and ScalarEvolution do not
  // know.
  std::vector<Instruction *> points;
  std::vector<StripPlan> strips;
  std::vector<Loop *> polling;
  if (makesCalls(function))
    points.push_back(body);
  for (Loop *loop : loops.getLoopsInPreorder()) {
    if (boundedWork(*loop, loops, se, bounds))
      continue;
    if (std::optional<StripPlan> plan = planStrips(
            *loop, std::min(kStripIterations, kLoopWork / ownSize(*loop, loops)), se, expander))
      strips.push_back(*plan);
    else
      polling.push_back(loop);
  }
  // Before the strips change the CFG: the unroller keeps ScalarEvolution,
  // LoopInfo and the dominator tree up to date, the strips do not. The
  // header stays the (unrolled) loop's header.
  for (Loop *loop : polling) {
    BasicBlock *header = loop->getHeader();
    unrollPollingLoop(*loop, loops, dominators, se, assumptions);
    points.push_back(&*header->getFirstInsertionPt());
  }
  for (const StripPlan &plan : strips)
    points.push_back(applyStrips(plan));
  for (Instruction *before : points)
    placePoint(before);
  return points.size();
}

} // namespace xisa::pass

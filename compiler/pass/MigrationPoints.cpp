#include "MigrationPoints.h"

#include "NonMigratable.h"
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
  Value *requested = createPollRequested(builder);
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

EntryPolling functionsPollingOnEntry(Module &module) {
  EntryPolling polling;
  for (const Function &function : module)
    if (!function.isDeclaration() && function.hasExactDefinition() &&
        !isRuntimeFunction(function) && !nonMigratableReason(function) && makesCalls(function))
      polling.insert(&function);
  return polling;
}

static bool callsPollingFunction(const BasicBlock &block, const EntryPolling &entryPolling) {
  for (const Instruction &inst : block)
    if (const auto *call = dyn_cast<CallBase>(&inst))
      if (const Function *callee = call->getCalledFunction(); callee && entryPolling.contains(callee))
        return true;
  return false;
}

using Edge = std::pair<BasicBlock *, BasicBlock *>;

// For a loop that calls a function polling on entry: edges that every
// iteration calling none crosses (none if every iteration calls one).
// Blocks after a call within an iteration (reached from a calling block
// without passing the header) are `called`; an iteration that calls none
// runs from the header through blocks that neither call nor are `called`
// until it branches back to the header or enters a `called` block.
static std::optional<std::vector<Edge>> callFreeIterations(const Loop &loop,
                                                           const EntryPolling &entryPolling) {
  SmallPtrSet<BasicBlock *, 16> calling, called;
  for (BasicBlock *block : loop.blocks())
    if (callsPollingFunction(*block, entryPolling))
      calling.insert(block);
  if (calling.empty())
    return std::nullopt;
  BasicBlock *header = loop.getHeader();
  // Depth-first within the loop, never into the header, nor into `stop`.
  auto reach = [&](SmallVector<BasicBlock *, 16> work, auto stop) {
    SmallPtrSet<BasicBlock *, 16> seen(work.begin(), work.end());
    while (!work.empty())
      for (BasicBlock *next : successors(work.pop_back_val()))
        if (next != header && loop.contains(next) && !stop(next) && seen.insert(next).second)
          work.push_back(next);
    return seen;
  };
  called = reach({calling.begin(), calling.end()}, [](BasicBlock *) { return false; });
  std::vector<Edge> cut;
  if (calling.contains(header))
    return cut;
  for (BasicBlock *block : reach({header}, [&](BasicBlock *b) { return called.contains(b); }))
    for (BasicBlock *next : successors(block))
      if ((next == header || (called.contains(next) && !calling.contains(next))) &&
          !is_contained(cut, Edge(block, next)))
        cut.emplace_back(block, next);
  return cut;
}

// The instruction before which a point on `edge` goes: at the end of its
// start if that branches only there or more than once there (a switch),
// else in a block of its own (the edge's end has other predecessors: the
// header's preheader, or a calling block's path). Only the latter changes
// the CFG, so the other edges stay as they are; `dominators` and `loops`
// follow.
static Instruction *pointOnEdge(const Edge &edge, DominatorTree &dominators, LoopInfo &loops) {
  auto [from, to] = edge;
  if (from->getSingleSuccessor() || count(successors(from), to) > 1)
    return from->getTerminator();
  if (BasicBlock *between =
          SplitCriticalEdge(from, to, CriticalEdgeSplittingOptions(&dominators, &loops)))
    return between->getTerminator();
  return from->getTerminator();
}

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
                              Instruction *body, const TripBounds &bounds,
                              const EntryPolling &entryPolling) {
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
  std::vector<Edge> edges;
  if (makesCalls(function))
    points.push_back(body);
  for (Loop *loop : loops.getLoopsInPreorder()) {
    if (boundedWork(*loop, loops, se, bounds))
      continue;
    if (std::optional<std::vector<Edge>> cut = callFreeIterations(*loop, entryPolling)) {
      // An edge of a loop's cut may be one of an enclosing loop's too.
      for (const Edge &edge : *cut)
        if (!is_contained(edges, edge))
          edges.push_back(edge);
      continue;
    }
    if (std::optional<StripPlan> plan = planStrips(
            *loop, std::min(kStripIterations, kLoopWork / ownSize(*loop, loops)), se, expander))
      strips.push_back(*plan);
    else
      polling.push_back(loop);
  }
  // First the edges, which the unroller would change (a polling loop's exit
  // may be one); splitting keeps LoopInfo and the dominator tree, and
  // ScalarEvolution forgets what it knew of the changed loops.
  for (const Edge &edge : edges)
    points.push_back(pointOnEdge(edge, dominators, loops));
  if (!edges.empty())
    se.forgetAllLoops();
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

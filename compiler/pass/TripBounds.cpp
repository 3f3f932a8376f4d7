#include "TripBounds.h"

#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"

#include <optional>

using namespace llvm;

namespace xisa::pass {

// The size of a global defined in this module that no other definition can
// replace. Locals would give bounds too (fannkuch's flip loop, -12 points
// of Ir), but the points they remove move the scheduled hops of
// corpus.hops.{fannkuch,strings}.aarch64_first to places whose frames the
// transformer rebuilds wrongly (bench/toolchain/NOTES.md).
static std::optional<uint64_t> objectSize(const Value &object, const DataLayout &layout) {
  if (const auto *global = dyn_cast<GlobalVariable>(&object))
    if (!global->isDeclaration() && !global->isInterposable())
      return layout.getTypeAllocSize(global->getValueType()).getFixedValue();
  return std::nullopt;
}

// A bound on the trip count of `loop` if `access`, which runs on every
// iteration that branches back, stays within its object. Its offset in the
// object steps by a constant `stride` per iteration and lies in
// [0, size - width] on each such iteration, so at most
// (size - width) / stride + 1 iterations branch back, and one more may
// follow.
static std::optional<uint64_t> boundFromAccess(Instruction &access, const Loop &loop,
                                               ScalarEvolution &se) {
  Value *pointer = getLoadStorePointerOperand(&access);
  if (!pointer || access.isVolatile())
    return std::nullopt;
  const DataLayout &layout = access.getModule()->getDataLayout();
  Value *object = getUnderlyingObject(pointer);
  std::optional<uint64_t> size = objectSize(*object, layout);
  TypeSize width = layout.getTypeStoreSize(getLoadStoreType(&access));
  if (!size || width.isScalable() || *size < width.getFixedValue())
    return std::nullopt;
  const SCEV *offset = se.getMinusSCEV(se.getSCEV(pointer), se.getSCEV(object));
  const auto *recurrence = dyn_cast<SCEVAddRecExpr>(offset);
  if (!recurrence || recurrence->getLoop() != &loop || !recurrence->isAffine())
    return std::nullopt;
  const auto *step = dyn_cast<SCEVConstant>(recurrence->getStepRecurrence(se));
  if (!step || step->getAPInt().isZero() || step->getAPInt().isMinSignedValue())
    return std::nullopt;
  uint64_t stride = step->getAPInt().abs().getZExtValue();
  return (*size - width.getFixedValue()) / stride + 2;
}

TripBounds tripBoundsFromAccesses(Function &function, DominatorTree &dominators,
                                  LoopInfo &loops) {
  TargetLibraryInfoImpl libraryInfo(Triple(function.getParent()->getTargetTriple()));
  TargetLibraryInfo libraries(libraryInfo, &function);
  AssumptionCache assumptions(function);
  ScalarEvolution se(function, libraries, assumptions, dominators, loops);
  TripBounds bounds;
  for (Loop *loop : loops.getLoopsInPreorder()) {
    BasicBlock *latch = loop->getLoopLatch();
    if (!latch)
      continue;
    std::optional<uint64_t> best;
    for (BasicBlock *block : loop->blocks()) {
      if (loops.getLoopFor(block) != loop || !dominators.dominates(block, latch))
        continue;
      for (Instruction &inst : *block)
        if (std::optional<uint64_t> bound = boundFromAccess(inst, *loop, se))
          best = std::min(best.value_or(*bound), *bound);
    }
    if (best)
      bounds[loop->getHeader()] = *best;
  }
  return bounds;
}

} // namespace xisa::pass

#include "ShadowFrame.h"

#include "RuntimeAbi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"

using namespace llvm;

namespace xisa::pass {

namespace {

// The shadow stack pointer is kept this aligned by every frame (the runtime
// starts it aligned), so frames needing no more skip the dynamic realignment.
const Align kStackAlign(16);

struct Slot {
  AllocaInst *alloca;
  uint64_t offset;
};

struct Layout {
  std::vector<Slot> slots;
  uint64_t size = 0;
  Align align = kStackAlign;
};

Layout layoutAllocas(Function &function) {
  const DataLayout &dl = function.getParent()->getDataLayout();
  Layout layout;
  for (Instruction &inst : function.getEntryBlock()) {
    auto *alloca = dyn_cast<AllocaInst>(&inst);
    if (!alloca)
      continue;
    uint64_t size = alloca->getAllocationSize(dl)->getFixedValue();
    Align align = alloca->getAlign();
    uint64_t offset = alignTo(layout.size, align);
    layout.slots.push_back({alloca, offset});
    layout.size = offset + std::max<uint64_t>(size, 1);
    layout.align = std::max(layout.align, align);
  }
  layout.size = alignTo(layout.size, kStackAlign);
  return layout;
}

void replaceAlloca(AllocaInst *alloca, Value *address) {
  // Lifetime markers only make sense on allocas; the shadow slot lives as
  // long as the frame.
  for (User *user : make_early_inc_range(alloca->users()))
    if (auto *marker = dyn_cast<LifetimeIntrinsic>(user))
      marker->eraseFromParent();
  address->takeName(alloca);
  alloca->replaceAllUsesWith(address);
  alloca->eraseFromParent();
}

} // namespace

uint64_t buildShadowFrame(Function &function) {
  Layout layout = layoutAllocas(function);
  if (layout.slots.empty())
    return 0;

  Module &module = *function.getParent();
  GlobalVariable *ssp = getShadowSp(module);
  Type *ptrTy = PointerType::getUnqual(module.getContext());
  Type *i8 = Type::getInt8Ty(module.getContext());

  BasicBlock &entry = function.getEntryBlock();
  IRBuilder<> builder(&entry, entry.begin());
  Value *base = builder.CreateLoad(ptrTy, ssp, "xisa.ssp.base");
  Value *frame = builder.CreateGEP(i8, base, builder.getInt64(-int64_t(layout.size)));
  if (layout.align > kStackAlign)
    frame = builder.CreateIntrinsic(Intrinsic::ptrmask, {ptrTy, builder.getInt64Ty()},
                                    {frame, builder.getInt64(~(layout.align.value() - 1))});
  frame->setName("xisa.frame");
  builder.CreateStore(frame, ssp);

  // All addresses first: the builder inserts before the first alloca.
  std::vector<Value *> addresses;
  for (const Slot &slot : layout.slots)
    addresses.push_back(slot.offset == 0
                            ? frame
                            : builder.CreateInBoundsGEP(i8, frame, builder.getInt64(slot.offset)));
  for (size_t i = 0; i < layout.slots.size(); ++i)
    replaceAlloca(layout.slots[i].alloca, addresses[i]);

  for (BasicBlock &block : function) {
    Instruction *terminator = block.getTerminator();
    if (isa<ReturnInst>(terminator) || isa<ResumeInst>(terminator)) {
      // Pop the frame. Without realignment the caller's pointer is
      // frame + size, which keeps one value fewer live across the calls.
      IRBuilder<> before(terminator);
      Value *caller = layout.align > kStackAlign
                          ? base
                          : before.CreateGEP(i8, frame, before.getInt64(layout.size));
      before.CreateStore(caller, ssp);
    }
    // longjmp back into this frame abandons the frames of the callees
    // between; dropping them resets the shadow stack to this frame.
    for (Instruction &inst : block)
      if (auto *call = dyn_cast<CallBase>(&inst); call && call->hasFnAttr(Attribute::ReturnsTwice))
        IRBuilder<>(call->getNextNode()).CreateStore(frame, ssp);
  }
  return layout.size;
}

} // namespace xisa::pass

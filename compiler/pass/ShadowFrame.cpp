#include "ShadowFrame.h"

#include "RuntimeAbi.h"
#include "SectionRecord.h"

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

// A local: an alloca, or a byval argument (x86-64 passes large structs as
// a pointer into the caller's native stack, which would not survive a
// migration, so the callee copies them into its shadow frame).
struct Slot {
  Value *local;
  uint64_t offset;
  uint64_t size;
};

struct Layout {
  std::vector<Slot> slots;
  uint64_t size = 0;
  Align align = kStackAlign;
};

uint64_t byvalSize(const Argument &arg) {
  return arg.getParent()->getParent()->getDataLayout().getTypeAllocSize(arg.getParamByValType());
}

Layout layoutLocals(Function &function) {
  const DataLayout &dl = function.getParent()->getDataLayout();
  Layout layout;
  auto place = [&](Value *local, uint64_t size, Align align) {
    uint64_t offset = alignTo(layout.size, align);
    layout.slots.push_back({local, offset, size});
    layout.size = offset + std::max<uint64_t>(size, 1);
    layout.align = std::max(layout.align, align);
  };
  for (Argument &arg : function.args())
    if (arg.hasByValAttr() && !arg.use_empty())
      place(&arg, byvalSize(arg), arg.getParamAlign().valueOrOne());
  for (Instruction &inst : function.getEntryBlock())
    if (auto *alloca = dyn_cast<AllocaInst>(&inst))
      place(alloca, alloca->getAllocationSize(dl)->getFixedValue(), alloca->getAlign());
  layout.size = alignTo(layout.size, kStackAlign);
  return layout;
}

void replaceLocal(Value *local, Value *address, IRBuilder<> &builder) {
  if (auto *arg = dyn_cast<Argument>(local)) {
    arg->replaceAllUsesWith(address);
    builder.CreateMemCpy(address, MaybeAlign(arg->getParamAlign()), arg,
                         MaybeAlign(arg->getParamAlign()), byvalSize(*arg));
    return;
  }
  // Lifetime markers only make sense on allocas; the shadow slot lives as
  // long as the frame.
  auto *alloca = cast<AllocaInst>(local);
  for (User *user : make_early_inc_range(alloca->users()))
    if (auto *marker = dyn_cast<LifetimeIntrinsic>(user))
      marker->eraseFromParent();
  address->takeName(alloca);
  alloca->replaceAllUsesWith(address);
  alloca->eraseFromParent();
}

// "<size> <align>" then " <offset>+<bytes>" per local: the `.xisa.frames`
// text that `xisa meta check` compares between ISAs.
std::string describe(const Layout &layout) {
  std::string text = std::to_string(layout.size) + " " + std::to_string(layout.align.value());
  for (const Slot &slot : layout.slots)
    text += " " + std::to_string(slot.offset) + "+" + std::to_string(slot.size);
  return text;
}

} // namespace

ShadowFrame buildShadowFrame(Function &function) {
  Layout layout = layoutLocals(function);
  // Every function, so a frame that only one ISA has shows too.
  addSectionRecord(function, ".xisa.frames", describe(layout));
  if (layout.slots.empty())
    return {};

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
  // The builder sits before the entry block's original instructions; the
  // body starts at the first one that replaceLocal does not erase.
  Instruction *body = &*builder.GetInsertPoint();
  while (isa<AllocaInst>(body) || isa<LifetimeIntrinsic>(body))
    body = body->getNextNode();
  for (size_t i = 0; i < layout.slots.size(); ++i)
    replaceLocal(layout.slots[i].local, addresses[i], builder);

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
  return {layout.size, body};
}

} // namespace xisa::pass

#include "QuickReturn.h"

#include "RuntimeAbi.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/Cloning.h"

using namespace llvm;

namespace xisa::pass {

namespace {

// The entry point as placePoint makes it: the flag's volatile load, its
// test, and the cold branch around the call. Returns the block after it.
BasicBlock *afterEntryPoint(BasicBlock &entry) {
  auto *flag = dyn_cast<LoadInst>(&entry.front());
  auto *branch = dyn_cast<BranchInst>(entry.getTerminator());
  if (!flag || !flag->isVolatile() || flag->getPointerOperand() != getPollFlag(*entry.getModule()) ||
      !branch || !branch->isConditional())
    return nullptr;
  return branch->getSuccessor(1);
}

// Instructions that compute the same before the point as after it: no
// memory, no side effects, operands the entry already has.
bool computableAtEntry(const Instruction &inst, const ValueToValueMapTy &earlier) {
  if (isa<PHINode>(inst) || inst.mayReadOrWriteMemory() || inst.mayHaveSideEffects())
    return false;
  for (const Value *operand : inst.operands())
    if (!isa<Argument>(operand) && !isa<Constant>(operand) && !earlier.count(operand))
      return false;
  return true;
}

// A block that returns without calling anything.
bool returnsWithoutCalls(const BasicBlock &block) {
  if (!isa<ReturnInst>(block.getTerminator()))
    return false;
  for (const Instruction &inst : block)
    if (isa<CallBase>(inst))
      return false;
  return true;
}

// Arguments the slow path uses come to it through a register move (an asm
// the backend cannot see through) at its start, so that the copies into the
// callee-saved registers that keep them across calls are made there, not in
// the entry block that both paths share, where they would make the backend
// save those registers on the quick path too. An empty asm tying output to
// input is not enough: the register coalescer joins the two, and the copy
// goes back to the entry. Pointers and integers of 8 to 64 bits only: other
// types need other constraints on each ISA, and an i1's copy lives in a
// ppc64 condition-register bit across the calls, which no record names.
bool copyableArguments(const Function &function) {
  for (const Argument &argument : function.args()) {
    Type *type = argument.getType();
    if (!argument.use_empty() && !type->isPointerTy() &&
        !(type->isIntegerTy() && type->getIntegerBitWidth() >= 8 &&
          type->getIntegerBitWidth() <= 64))
      return false;
  }
  return true;
}

StringRef registerMove(const Triple &triple) {
  if (triple.isX86())
    return "mov $1, $0";
  if (triple.isPPC())
    return "mr $0, $1";
  return "mov $0, $1";
}

void copyArgumentsAt(BasicBlock &slow, const SmallPtrSetImpl<BasicBlock *> &quickSide) {
  IRBuilder<> builder(&slow, slow.getFirstInsertionPt());
  StringRef move = registerMove(Triple(slow.getModule()->getTargetTriple()));
  for (Argument &argument : slow.getParent()->args()) {
    if (argument.use_empty())
      continue;
    auto *type = FunctionType::get(argument.getType(), {argument.getType()}, false);
    Value *copy = builder.CreateCall(InlineAsm::get(type, move, "=r,r", false), {&argument},
                                     argument.getName() + ".slow");
    argument.replaceUsesWithIf(copy, [&](Use &use) {
      auto *user = cast<Instruction>(use.getUser());
      return user != copy && !quickSide.contains(user->getParent());
    });
  }
}

} // namespace

bool addQuickReturn(Function &function) {
  BasicBlock &entry = function.getEntryBlock();
  BasicBlock *test = afterEntryPoint(entry);
  if (!test)
    return false;
  auto *branch = dyn_cast<BranchInst>(test->getTerminator());
  if (!branch || !branch->isConditional())
    return false;
  unsigned quick = 0;
  while (quick < 2 && !returnsWithoutCalls(*branch->getSuccessor(quick)))
    ++quick;
  if (quick == 2)
    return false;
  BasicBlock *target = branch->getSuccessor(quick);

  // The test, cloned into a new entry block ahead of the point.
  LLVMContext &context = function.getContext();
  ValueToValueMapTy map;
  for (const Instruction &inst : *test) {
    if (&inst == branch)
      break;
    if (!computableAtEntry(inst, map))
      return false;
    map[&inst] = nullptr; // defined before its users
  }
  if (!copyableArguments(function))
    return false;
  map.clear();
  BasicBlock *early = BasicBlock::Create(context, "xisa.quick.test", &function, &entry);
  for (Instruction &inst : *test) {
    if (&inst == branch)
      break;
    Instruction *copy = inst.clone();
    copy->insertInto(early, early->end());
    map[&inst] = copy;
  }
  for (Instruction &inst : *early)
    RemapInstruction(&inst, map, RF_IgnoreMissingLocals | RF_NoModuleLevelChanges);

  // The flag's check on the quick side; a set flag takes the entry point.
  BasicBlock *poll = BasicBlock::Create(context, "xisa.quick.poll", &function, &entry);
  BasicBlock *quickReturn = BasicBlock::Create(context, "xisa.quick.return", &function, &entry);
  IRBuilder<> atPoll(poll);
  MDNode *cold = MDBuilder(context).createUnlikelyBranchWeights();
  atPoll.CreateCondBr(createPollRequested(atPoll), &entry, quickReturn, cold);

  Value *condition = map.lookup(branch->getCondition());
  if (!condition)
    condition = branch->getCondition(); // an argument or constant
  IRBuilder<>(early).CreateCondBr(condition, quick == 0 ? poll : &entry,
                                  quick == 0 ? &entry : poll);

  // The return block, its phis taking what the test passed them.
  for (Instruction &inst : *target) {
    if (auto *phi = dyn_cast<PHINode>(&inst)) {
      Value *incoming = phi->getIncomingValueForBlock(test);
      Value *cloned = map.lookup(incoming);
      map[phi] = cloned ? cloned : incoming;
      continue;
    }
    Instruction *copy = inst.clone();
    copy->insertInto(quickReturn, quickReturn->end());
    map[&inst] = copy;
    RemapInstruction(copy, map, RF_IgnoreMissingLocals | RF_NoModuleLevelChanges);
  }
  copyArgumentsAt(entry, SmallPtrSet<BasicBlock *, 4>{early, poll, quickReturn});
  return true;
}

} // namespace xisa::pass

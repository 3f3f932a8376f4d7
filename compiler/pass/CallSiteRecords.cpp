#include "CallSiteRecords.h"

#include "Liveness.h"
#include "RuntimeAbi.h"

#include "support/value_type.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Triple.h"

#include <string>

using namespace llvm;

namespace xisa::pass {

uint64_t callSiteId(const Function &function, unsigned ordinal) {
  std::string key = function.getParent()->getSourceFileName();
  key += '\0';
  key += function.getName();
  key += '\0';
  key += std::to_string(ordinal);
  return xxh3_64bits(key);
}

// Every live scalar is an integer, a floating-point value or a pointer
// (64-bit on all three ISAs); a vector recorded whole is a Vector.
static ValueType valueType(Type &type) {
  if (type.isVectorTy())
    return {ValueClass::Vector, uint16_t(type.getPrimitiveSizeInBits().getFixedValue())};
  if (type.isPointerTy())
    return {ValueClass::Pointer, 64};
  if (type.isFloatingPointTy())
    return {ValueClass::Float, uint16_t(type.getPrimitiveSizeInBits().getFixedValue())};
  return {ValueClass::Integer, uint16_t(type.getIntegerBitWidth())};
}

// A vector that fills one register of SSE2, NEON and VSX alike (legal on
// all three backends, so it can be a stackmap operand as it is).
static bool fillsVectorRegister(const FixedVectorType &type) {
  Type *element = type.getElementType();
  bool number = element->isFloatTy() || element->isDoubleTy() || element->isPointerTy() ||
                (element->isIntegerTy() && element->getIntegerBitWidth() >= 8);
  return number && type.getPrimitiveSizeInBits() == 128;
}

// Each live value is followed by its type (support/value_type.h).
// Stackmap operands must be values the backend can legalize on every ISA.
// A 128-bit vector (the vectorizers' <2 x double>, <4 x i32>) is recorded
// whole: the code after the call reloads it whole from the slot the record
// then names, and extracting its elements before the call would only add
// copies the code after the call does not read. Other vectors (which the
// ppc64 and x86 backends would have to widen) and aggregates (an
// ABI-coerced struct argument, say) are recorded element by element, the
// extracts before the call so nothing new runs between the return address
// and the stackmap point.
static void appendScalars(Value *value, IRBuilder<> &before, SmallVectorImpl<Value *> &out) {
  Type *type = value->getType();
  if (auto *vector = dyn_cast<FixedVectorType>(type); vector && !fillsVectorRegister(*vector)) {
    for (unsigned i = 0; i < vector->getNumElements(); ++i)
      appendScalars(before.CreateExtractElement(value, i), before, out);
    return;
  }
  if (!type->isAggregateType()) {
    out.push_back(value);
    out.push_back(before.getInt64(encode_value_type(valueType(*type))));
    return;
  }
  unsigned count = isa<StructType>(type) ? type->getStructNumElements()
                                         : type->getArrayNumElements();
  for (unsigned i = 0; i < count; ++i)
    appendScalars(before.CreateExtractValue(value, i), before, out);
}

// A frame can sit at a call that never returns (exit() running atexit
// handlers), so its record is needed; but the AArch64 backend drops a
// stackmap that follows a noreturn call. The call loses the attribute and a
// trap follows the record, which also keeps the return address inside the
// function rather than at the next one's start.
static void keepRecordAfterNoReturn(CallInst &call, CallInst &record) {
  call.removeFnAttr(Attribute::NoReturn);
  if (Function *callee = call.getCalledFunction())
    callee->removeFnAttr(Attribute::NoReturn);
  IRBuilder<>(record.getNextNode()).CreateIntrinsic(Intrinsic::trap, {}, {});
}

// The backend may compute a value used only after the call (its record
// among those uses) after the call, from operands the record does not name:
// AArch64 schedules a cmp/cset there, and CodeGenPrepare sinks compares into
// their users' blocks. Such values are pure computations of the call's own
// block, or compares. An empty asm per value, before the call, forces each to
// exist at the return address; it emits no instruction.
static bool mayBeComputedAfterCall(const Value &value, const CallInst &call) {
  const auto *inst = dyn_cast<Instruction>(&value);
  if (!inst || isa<PHINode>(inst) || isa<LoadInst>(inst) || isa<CallBase>(inst))
    return false;
  return inst->getParent() == call.getParent() || isa<CmpInst>(inst);
}

// The empty asm's operand constraint: any place, but a vector register for
// a vector on ppc64, whose backend would take "X" for a floating-point
// register and find none to hold it.
static StringRef anyPlaceFor(const Type &type, const Triple &triple) {
  return type.isVectorTy() && triple.isPPC() ? "v" : "X";
}

static void computeBeforeCall(CallInst &call, ArrayRef<Value *> operands) {
  IRBuilder<> before(&call);
  Triple triple(call.getModule()->getTargetTriple());
  for (Value *value : operands.drop_front(2))
    if (mayBeComputedAfterCall(*value, call)) {
      auto *type = FunctionType::get(before.getVoidTy(), {value->getType()}, false);
      before.CreateCall(InlineAsm::get(type, "", anyPlaceFor(*value->getType(), triple), true),
                        {value});
    }
}

// ppc64 keeps an i1 live across a call in a condition-register bit, and a
// stackmap names only the bit's 4-bit field, so no transformer could read
// or set it. Every i1 live across a recorded call is widened to an i8 right
// where it is defined, and each use reads it back through a trunc: the i8,
// in an ordinary register or slot, is what stays live. Returns whether any
// was widened. The widening follows the live sets' order, not pointer order,
// so that two zexts at one place come out in the same order on every ISA.
static bool widenLiveBooleans(const std::vector<std::vector<Value *>> &live) {
  SmallSetVector<Value *, 8> booleans;
  for (const std::vector<Value *> &values : live)
    for (Value *value : values)
      if (value->getType()->isIntegerTy(1))
        booleans.insert(value);
  for (Value *value : booleans) {
    Instruction *where;
    if (auto *argument = dyn_cast<Argument>(value))
      where = &*argument->getParent()->getEntryBlock().getFirstInsertionPt();
    else if (auto *phi = dyn_cast<PHINode>(value))
      where = &*phi->getParent()->getFirstInsertionPt();
    else
      where = cast<Instruction>(value)->getNextNode();
    Value *wide = IRBuilder<>(where).CreateZExt(value, IRBuilder<>(where).getInt8Ty());
    for (Use &use : make_early_inc_range(value->uses())) {
      auto *user = cast<Instruction>(use.getUser());
      if (user == wide)
        continue;
      Instruction *at = user;
      if (auto *phi = dyn_cast<PHINode>(user))
        at = phi->getIncomingBlock(use)->getTerminator();
      use.set(IRBuilder<>(at).CreateTrunc(wide, value->getType()));
    }
  }
  return !booleans.empty();
}

unsigned recordCallSites(Function &function) {
  std::vector<CallInst *> calls;
  for (BasicBlock &block : function)
    for (Instruction &inst : block)
      if (auto *call = dyn_cast<CallInst>(&inst); call && mayReachMigrationPoint(*call))
        calls.push_back(call);
  if (calls.empty())
    return 0;

  // All live sets first: the stackmaps added below are uses themselves.
  auto liveSets = [&] {
    Liveness liveness(function);
    std::vector<std::vector<Value *>> live;
    for (CallInst *call : calls)
      live.push_back(liveness.liveAcross(*call));
    return live;
  };
  std::vector<std::vector<Value *>> live = liveSets();
  if (widenLiveBooleans(live))
    live = liveSets();

  Module &module = *function.getParent();
  Function *stackmap = Intrinsic::getDeclaration(&module, Intrinsic::experimental_stackmap);
  for (unsigned i = 0; i < calls.size(); ++i) {
    IRBuilder<> before(calls[i]);
    SmallVector<Value *, 16> operands = {before.getInt64(callSiteId(function, i)),
                                         before.getInt32(0)};
    for (Value *value : live[i])
      appendScalars(value, before, operands);
    computeBeforeCall(*calls[i], operands);
    CallInst *record = IRBuilder<>(calls[i]->getNextNode()).CreateCall(stackmap, operands);
    if (calls[i]->doesNotReturn())
      keepRecordAfterNoReturn(*calls[i], *record);
  }
  return calls.size();
}

} // namespace xisa::pass

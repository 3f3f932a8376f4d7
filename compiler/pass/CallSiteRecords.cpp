#include "CallSiteRecords.h"

#include "Liveness.h"
#include "RuntimeAbi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/xxhash.h"

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

// Stackmap operands must be scalars the backend can legalize on every ISA:
// an aggregate (an ABI-coerced struct argument, say) or a vector (the
// vectorizer's <2 x double>, which the ppc64 and x86 backends cannot widen
// as a stackmap operand) is recorded element by element. The extracts sit
// before the call so nothing new runs between the return address and the
// stackmap point.
static void appendScalars(Value *value, IRBuilder<> &before, SmallVectorImpl<Value *> &out) {
  Type *type = value->getType();
  if (auto *vector = dyn_cast<FixedVectorType>(type)) {
    for (unsigned i = 0; i < vector->getNumElements(); ++i)
      appendScalars(before.CreateExtractElement(value, i), before, out);
    return;
  }
  if (!type->isAggregateType()) {
    out.push_back(value);
    return;
  }
  unsigned count = isa<StructType>(type) ? type->getStructNumElements()
                                         : type->getArrayNumElements();
  for (unsigned i = 0; i < count; ++i)
    appendScalars(before.CreateExtractValue(value, i), before, out);
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
  Liveness liveness(function);
  std::vector<std::vector<Value *>> live;
  for (CallInst *call : calls)
    live.push_back(liveness.liveAcross(*call));

  Module &module = *function.getParent();
  Function *stackmap = Intrinsic::getDeclaration(&module, Intrinsic::experimental_stackmap);
  for (unsigned i = 0; i < calls.size(); ++i) {
    IRBuilder<> before(calls[i]);
    SmallVector<Value *, 16> operands = {before.getInt64(callSiteId(function, i)),
                                         before.getInt32(0)};
    for (Value *value : live[i])
      appendScalars(value, before, operands);
    IRBuilder<>(calls[i]->getNextNode()).CreateCall(stackmap, operands);
  }
  return calls.size();
}

} // namespace xisa::pass

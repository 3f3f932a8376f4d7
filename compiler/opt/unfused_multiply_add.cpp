#include "unfused_multiply_add.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/IntrinsicInst.h"

using namespace llvm;

namespace xisa::opt {

void unfuseMultiplyAdds(Module &module) {
  for (Function &function : module)
    for (Instruction &inst : make_early_inc_range(instructions(function))) {
      auto *call = dyn_cast<IntrinsicInst>(&inst);
      if (!call || call->getIntrinsicID() != Intrinsic::fmuladd)
        continue;
      IRBuilder<> builder(call);
      builder.setFastMathFlags(call->getFastMathFlags());
      Value *product = builder.CreateFMul(call->getArgOperand(0), call->getArgOperand(1));
      Value *sum = builder.CreateFAdd(product, call->getArgOperand(2));
      sum->takeName(call);
      call->replaceAllUsesWith(sum);
      call->eraseFromParent();
    }
}

} // namespace xisa::opt

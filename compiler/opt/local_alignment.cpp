#include "local_alignment.h"

#include "llvm/IR/Instructions.h"

using namespace llvm;

namespace xisa::opt {

void alignLocalsAlike(Module &module) {
  const DataLayout &layout = module.getDataLayout();
  for (Function &function : module)
    for (BasicBlock &block : function)
      for (Instruction &inst : block) {
        auto *alloca = dyn_cast<AllocaInst>(&inst);
        if (!alloca)
          continue;
        // Every local that large, not only arrays as on x86: a rule on the
        // size alone cannot disagree between ISAs, for some bytes of padding.
        std::optional<TypeSize> size = alloca->getAllocationSize(layout);
        if (size && !size->isScalable() && size->getFixedValue() >= kLargeLocalAlign)
          alloca->setAlignment(std::max(alloca->getAlign(), Align(kLargeLocalAlign)));
      }
}

} // namespace xisa::opt

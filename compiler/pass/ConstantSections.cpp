#include "ConstantSections.h"

#include "llvm/IR/Constants.h"

using namespace llvm;

namespace xisa::pass {

static bool isCString(const GlobalVariable &global) {
  const auto *data = dyn_cast<ConstantDataSequential>(global.getInitializer());
  return data && data->isCString();
}

bool keepConstantsOutOfPools(Module &module) {
  bool changed = false;
  for (GlobalVariable &global : module.globals()) {
    // A constant is pooled only if its address need not be unique.
    if (!global.isConstant() || !global.hasInitializer() || !global.hasGlobalUnnamedAddr() ||
        isCString(global))
      continue;
    global.setUnnamedAddr(GlobalValue::UnnamedAddr::None);
    changed = true;
  }
  return changed;
}

} // namespace xisa::pass

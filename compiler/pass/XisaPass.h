// The module pass the plugin runs at the end of the optimization pipeline,
// after every transformation that could duplicate or delete calls, so the
// call sites it numbers are the ones the code generator emits.
#pragma once
#include "llvm/IR/PassManager.h"

namespace xisa::pass {

class XisaPass : public llvm::PassInfoMixin<XisaPass> {
public:
  llvm::PreservedAnalyses run(llvm::Module &module, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; } // runs at -O0 too
};

} // namespace xisa::pass

#include "NonMigratable.h"

#include "RuntimeAbi.h"
#include "SectionRecord.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/LLVMContext.h"

using namespace llvm;

namespace xisa::pass {

namespace {

// A warning, not an error: the program still builds and runs, it just cannot
// migrate while this function is on the stack.
class NonMigratableWarning : public DiagnosticInfo {
public:
  NonMigratableWarning(const Function &function, StringRef reason)
      : DiagnosticInfo(kind(), DS_Warning), function(function), reason(reason) {}

  void print(DiagnosticPrinter &printer) const override {
    printer << "xisa: function '" << function.getName() << "' is not migratable (" << reason
            << "); no migration points are placed in it and a migration waits until it returns";
  }

  static int kind() {
    static const int id = getNextAvailablePluginDiagnosticKind();
    return id;
  }

private:
  const Function &function;
  StringRef reason;
};

} // namespace

std::optional<StringRef> nonMigratableReason(const Function &function) {
  // Set by xisa-opt when the ISAs disagree on this function's records.
  if (Attribute forced = function.getFnAttribute(kNonMigratableAttribute); forced.isValid())
    return forced.getValueAsString();
  for (const BasicBlock &block : function)
    for (const Instruction &inst : block) {
      if (const auto *alloca = dyn_cast<AllocaInst>(&inst); alloca && !alloca->isStaticAlloca())
        return StringRef("dynamic alloca (VLA or alloca())");
      const auto *call = dyn_cast<CallBase>(&inst);
      if (!call)
        continue;
      if (call->isInlineAsm())
        return StringRef("inline asm");
      if (call->isMustTailCall())
        return StringRef("musttail call");
      if (isa<VAStartInst>(call) || isa<VACopyInst>(call))
        return StringRef("va_list state");
      // Records sit right after a call; an invoke ends its block.
      if (isa<InvokeInst>(call) && mayReachMigrationPoint(*call))
        return StringRef("invoke (exception handling)");
    }
  return std::nullopt;
}

void reportNonMigratable(Function &function, StringRef reason) {
  function.getContext().diagnose(NonMigratableWarning(function, reason));
  addSectionRecord(function, ".xisa.nonmig", reason);
}

} // namespace xisa::pass

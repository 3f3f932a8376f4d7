#include "XisaPass.h"

#include "CallSiteRecords.h"
#include "MigrationPoints.h"
#include "NonMigratable.h"
#include "RuntimeAbi.h"
#include "ShadowFrame.h"

#include "llvm/IR/Dominators.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::opt<bool> printStats("xisa-stats",
                                cl::desc("Print per-function xisa instrumentation counts"));

namespace xisa::pass {

PreservedAnalyses XisaPass::run(Module &module, ModuleAnalysisManager &) {
  bool changed = false;
  for (Function &function : module) {
    if (function.isDeclaration() || isRuntimeFunction(function))
      continue;
    changed = true;
    if (std::optional<StringRef> reason = nonMigratableReason(function)) {
      reportNonMigratable(function, *reason);
      continue;
    }
    uint64_t frameSize = buildShadowFrame(function);
    DominatorTree dominators(function);
    LoopInfo loops(dominators);
    unsigned points = placeMigrationPoints(function, loops);
    unsigned records = recordCallSites(function);
    if (printStats)
      errs() << "xisa: " << function.getName() << ": points " << points << ", records "
             << records << ", shadow frame " << frameSize << "\n";
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace xisa::pass

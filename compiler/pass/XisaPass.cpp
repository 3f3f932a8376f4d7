#include "XisaPass.h"

#include "CallSiteRecords.h"
#include "ConstantSections.h"
#include "MigrationPoints.h"
#include "NonMigratable.h"
#include "QuickReturn.h"
#include "RuntimeAbi.h"
#include "ShadowFrame.h"
#include "TripBounds.h"

#include "llvm/IR/Dominators.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::opt<bool> printStats("xisa-stats",
                                cl::desc("Print per-function xisa instrumentation counts"));

namespace xisa::pass {

PreservedAnalyses XisaPass::run(Module &module, ModuleAnalysisManager &) {
  bool changed = false;
  // The runtime's `main` runs the program's main above a base frame it owns.
  // Renaming here rather than with lld's --wrap=main matters: --wrap also
  // redirects the defining object's own references, so main's stackmap
  // records would name the runtime's function.
  if (Function *main = module.getFunction("main"); main && !main->isDeclaration()) {
    main->setName("__real_main");
    changed = true;
  }
  changed |= keepConstantsOutOfPools(module);
  // Before any function gets points: they are calls too.
  EntryPolling entryPolling = functionsPollingOnEntry(module);
  for (Function &function : module) {
    if (function.isDeclaration() || isRuntimeFunction(function))
      continue;
    changed = true;
    if (std::optional<StringRef> reason = nonMigratableReason(function)) {
      reportNonMigratable(function, *reason);
      continue;
    }
    DominatorTree dominators(function);
    LoopInfo loops(dominators);
    TripBounds bounds = tripBoundsFromAccesses(function, dominators, loops);
    ShadowFrame frame = buildShadowFrame(function);
    Instruction *body =
        frame.body ? frame.body : &*function.getEntryBlock().getFirstInsertionPt();
    unsigned points = placeMigrationPoints(function, dominators, loops, body, bounds, entryPolling);
    if (!frame.body)
      addQuickReturn(function);
    unsigned records = recordCallSites(function);
    if (printStats)
      errs() << "xisa: " << function.getName() << ": points " << points << ", records "
             << records << ", shadow frame " << frame.size << "\n";
  }
  changed |= routeSetjmpThroughRuntime(module);
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace xisa::pass

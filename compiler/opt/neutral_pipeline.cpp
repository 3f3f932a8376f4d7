#include "neutral_pipeline.h"

#include "neutral_cost_model.h"

#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/TargetParser/Triple.h"

#include <stdexcept>

using namespace llvm;

namespace xisa::opt {

// What the three ISAs' layouts share: little endian, ELF mangling, 64-bit
// integers and pointers, 16-byte stack alignment. Only the middle end sees
// it; types keep their ABI alignment, so struct layouts do not change.
// Legal integers are aarch64's and ppc64le's (x86 adds i8 and i16), which
// steers InstCombine's narrowing the same way on all.
static const char kNeutralDataLayout[] = "e-m:e-i64:64-i128:128-n32:64-S128";

OptimizationLevel parseLevel(const std::string &name) {
  if (name == "0")
    return OptimizationLevel::O0;
  if (name == "1" || name == "g")
    return OptimizationLevel::O1;
  if (name == "2")
    return OptimizationLevel::O2;
  if (name == "3" || name == "fast")
    return OptimizationLevel::O3;
  if (name == "s")
    return OptimizationLevel::Os;
  if (name == "z")
    return OptimizationLevel::Oz;
  throw std::invalid_argument("unknown optimization level -O" + name);
}

namespace {

// The analysis managers of one pipeline run, wired to `builder`. Library
// calls the optimizer may create follow the module's real triple (the ABI
// attributes of a new call to putchar differ on ppc64le).
struct Analyses {
  TargetLibraryInfoImpl libraries;
  LoopAnalysisManager loops;
  FunctionAnalysisManager functions;
  CGSCCAnalysisManager sccs;
  ModuleAnalysisManager modules;

  Analyses(PassBuilder &builder, const Module &module)
      : libraries(Triple(module.getTargetTriple())) {
    functions.registerPass([&] { return TargetLibraryAnalysis(libraries); });
    // Before the builder's own registration, which would otherwise win.
    functions.registerPass([] { return neutralCostModel(); });
    builder.registerModuleAnalyses(modules);
    builder.registerCGSCCAnalyses(sccs);
    builder.registerFunctionAnalyses(functions);
    builder.registerLoopAnalyses(loops);
    builder.crossRegisterProxies(loops, functions, sccs, modules);
  }
};

// Unrolling and the vectorizers at the levels clang enables them
// (-funroll-loops, -fvectorize and -fslp-vectorize from -O2 on, the loop
// vectorizer not at -Oz); PassBuilder's defaults have the loop passes at
// every level and the SLP vectorizer at none. Since the neutral cost model
// prices lane moves (neutral_cost_model.cpp), SLP pays: nbody's pair loop
// works on x/y pairs as clang's does.
PipelineTuningOptions tuning(OptimizationLevel level) {
  PipelineTuningOptions options;
  bool speed = level.getSpeedupLevel() > 1;
  options.LoopUnrolling = options.LoopInterleaving = options.SLPVectorization = speed;
  options.LoopVectorization = speed && level.getSizeLevel() < 2;
  return options;
}

void verify(const Module &module, const char *after) {
  std::string problems;
  raw_string_ostream out(problems);
  if (verifyModule(module, &out))
    throw std::runtime_error(std::string("invalid IR after ") + after + ": " + problems);
}

} // namespace

void optimize(Module &module, OptimizationLevel level) {
  std::string layout = module.getDataLayoutStr();
  module.setDataLayout(kNeutralDataLayout);
  {
    PassBuilder builder(nullptr, tuning(level)); // no TargetMachine: neutral_cost_model.h
    Analyses analyses(builder, module);
    ModulePassManager passes = level == OptimizationLevel::O0
                                   ? builder.buildO0DefaultPipeline(level)
                                   : builder.buildPerModuleDefaultPipeline(level);
    passes.run(module, analyses.modules);
  }
  module.setDataLayout(layout);
  verify(module, "optimization");
}

void instrument(Module &module, const PassPlugin &plugin) {
  PassBuilder builder;
  plugin.registerPassBuilderCallbacks(builder);
  Analyses analyses(builder, module);
  ModulePassManager passes;
  if (Error error = builder.parsePassPipeline(passes, "xisa"))
    throw std::runtime_error("the pass plugin does not provide the \"xisa\" pass: " +
                             toString(std::move(error)));
  passes.run(module, analyses.modules);
  verify(module, "XisaPass");
}

} // namespace xisa::opt

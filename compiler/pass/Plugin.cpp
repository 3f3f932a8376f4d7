// Entry point of XisaPass.so for clang-19 -fpass-plugin= and opt
// -load-pass-plugin=: runs XisaPass at the end of the optimizer in every
// pipeline (-O0 included), and registers it as "xisa" for opt -passes=.
#include "XisaPass.h"

#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"

using namespace llvm;

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "XisaPass", "1", [](PassBuilder &builder) {
            builder.registerOptimizerLastEPCallback(
                [](ModulePassManager &passes, OptimizationLevel) {
                  passes.addPass(xisa::pass::XisaPass());
                });
            builder.registerPipelineParsingCallback(
                [](StringRef name, ModulePassManager &passes,
                   ArrayRef<PassBuilder::PipelineElement>) {
                  if (name != "xisa")
                    return false;
                  passes.addPass(xisa::pass::XisaPass());
                  return true;
                });
          }};
}

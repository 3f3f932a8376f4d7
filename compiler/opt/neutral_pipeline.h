// The optimizer of xisa-cc, identical on every ISA. Clang's own pipeline
// consults the target (TargetTransformInfo: inlining costs, unrolling,
// vectorization widths; the data layout's legal integers), so the same
// source gave each ISA different call sites and live values, and frames
// could not be mapped between them. Here every module is optimized with one
// cost model (neutral_cost_model.h) instead of a target machine's, under one
// data layout; only code generation, after XisaPass has recorded the call
// sites, is per ISA.
#pragma once
#include "llvm/IR/Module.h"
#include "llvm/Passes/OptimizationLevel.h"
#include "llvm/Passes/PassPlugin.h"

#include <string>

namespace xisa::opt {

// `name` is a clang -O flag's level: 0 1 2 3 s z (g and fast as clang maps them).
// Throws std::invalid_argument for anything else.
llvm::OptimizationLevel parseLevel(const std::string &name);

// Runs the default pipeline of `level` under the target-neutral model.
void optimize(llvm::Module &module, llvm::OptimizationLevel level);

// Runs the plugin's "xisa" pass (migration points and call-site records).
void instrument(llvm::Module &module, const llvm::PassPlugin &plugin);

} // namespace xisa::opt

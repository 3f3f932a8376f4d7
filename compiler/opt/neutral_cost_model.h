// The cost model of the middle end: one machine for all three ISAs. Each
// has 16 or more 64-bit integer registers and 128-bit SIMD (SSE2, NEON,
// VSX), so loops are vectorized and interleaved as for that common machine,
// identically on every ISA, rather than not at all (LLVM's generic model
// has no vector registers).
#pragma once
#include "llvm/Analysis/TargetTransformInfo.h"

namespace xisa::opt {

llvm::TargetIRAnalysis neutralCostModel();

} // namespace xisa::opt

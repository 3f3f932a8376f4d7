// Locals get one alignment on every ISA. XisaPass lays out each shadow
// frame from its allocas' alignments (design.md, "Shadow frames"), and the
// transformer keeps the frame's bytes where they are, so a local must sit
// at the same offset on every ISA. The front ends disagree: x86-64's ABI
// aligns arrays of 16 bytes or more to 16 (clang's LargeArrayAlign),
// AArch64's and ppc64's do not. Applied to the front end's output, so the
// three modules also enter the optimizer alike.
#pragma once
#include "llvm/IR/Module.h"

namespace xisa::opt {

// The alignment x86-64 gives large arrays; no ISA asks for more.
inline constexpr uint64_t kLargeLocalAlign = 16;

// Raises every alloca of at least kLargeLocalAlign bytes to that alignment.
void alignLocalsAlike(llvm::Module &module);

} // namespace xisa::opt

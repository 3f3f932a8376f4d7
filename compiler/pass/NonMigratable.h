// Finds functions whose frames cannot be rebuilt on another ISA (dynamic
// allocas, inline asm, va_list state, musttail calls, invokes),
// warns about each through the diagnostic handler, and records it in the
// object's `.xisa.nonmig` section. Such functions get no migration points and
// no call-site records.
#pragma once
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/Function.h"

#include <optional>

namespace xisa::pass {

// A function attribute whose value is the reason a caller (xisa-opt)
// decided that the function cannot be migrated.
inline constexpr const char kNonMigratableAttribute[] = "xisa-nonmigratable";

// Why `function` cannot be migrated, or nullopt if it can.
std::optional<llvm::StringRef> nonMigratableReason(const llvm::Function &function);

// Emits the warning and the `.xisa.nonmig` record "name\0reason\0".
void reportNonMigratable(llvm::Function &function, llvm::StringRef reason);

} // namespace xisa::pass

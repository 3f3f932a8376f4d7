// Per-object records the linker concatenates (`.xisa.nonmig`,
// `.xisa.frames`, format in compiler/meta/xisa_info.h): each record is a
// private constant in its section, kept by llvm.used.
#pragma once
#include "llvm/ADT/Twine.h"
#include "llvm/IR/Function.h"

namespace xisa::pass {

// Adds the string pair "function\0text\0" to `section` of the function's module.
void addSectionRecord(llvm::Function &function, llvm::StringRef section, llvm::StringRef text);

} // namespace xisa::pass

// Records, for every call that may reach a migration point, the values live
// across it: an `llvm.experimental.stackmap` right after the call whose ID is
// the call-site id and whose operands are the live values in the
// ISA-independent order of Liveness. The metadata reader maps the record back
// to the call's exact return address.
#pragma once
#include "llvm/IR/Function.h"

#include <cstdint>

namespace xisa::pass {

// The call-site id of the `ordinal`-th recorded call (in program order) of
// `function`: a hash of the source file, the function name and the ordinal,
// so the same call gets the same id in the compile for every ISA.
uint64_t callSiteId(const llvm::Function &function, unsigned ordinal);

// Returns the number of records placed.
unsigned recordCallSites(llvm::Function &function);

} // namespace xisa::pass

// Finds each call site's known values (metadata.h, KnownValue): the code
// generators hoist global addresses, constants and the thread pointer into
// callee-saved registers and spill slots and keep them across calls, where
// no stackmap record names them. A forward dataflow over the function's
// machine code, from its entry to every return address, tells which
// registers and slots hold such a value on every path.
#pragma once
#include "meta/metadata.h"

#include <span>

namespace xisa::meta {

class Disassembler;

// Sets known_values of `sites`, the call sites of `function` (whose size
// must be known). Code it cannot decode gives no known values, not an error:
// the transformer then leaves those registers as the records leave them.
void find_known_values(const Disassembler &code, const Function &function,
                       std::span<CallSite *const> sites);

} // namespace xisa::meta

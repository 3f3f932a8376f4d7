// Follows values through each function's machine code with a forward
// dataflow (from its entry to every return address, meeting all paths):
// - a record describes its stackmap point, which may sit a few instructions
//   after the return address (reloads, copies, rematerialized constants the
//   register allocator put there); each live value gets the place that
//   holds the same at the return address;
// - the code generators hoist global addresses, constants and the thread
//   pointer into callee-saved registers and spill slots and keep them
//   across calls, where no record names them: those are the call site's
//   known values (metadata.h, KnownValue).
#pragma once
#include "meta/metadata.h"

#include <span>
#include <string>
#include <vector>

namespace xisa::meta {

class Disassembler;

// For `sites`, the call sites of `function` with their return addresses
// set: moves their live values to the return address and sets their
// known_values. Throws xisa::Error if a live value is computed after the
// return address from something the frame does not keep, or if the code
// between the two cannot be followed. Code it cannot decode elsewhere gives
// no known values, not an error: the transformer then leaves those
// registers as the records leave them.
//
// Returns one message per call site whose code after the return address
// reads a callee-saved register or a frame slot before writing it that no
// live value or known value describes, nor the transformer rebuilds
// otherwise (liveness.h): the code generator keeps something across that
// call beside the record (loop strength reduction does), and a migration
// there would be wrong (Metadata::undescribed lists them). Code the
// dataflow cannot follow is not checked.
std::vector<std::string> trace_values(const Disassembler &code, const Function &function,
                                      std::span<CallSite *const> sites);

} // namespace xisa::meta

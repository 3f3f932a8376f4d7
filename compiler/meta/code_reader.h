// Disassembles the executable's code with LLVM MC to map each stackmap
// record to its call: the record's point may sit a few instructions after the
// return address (register copies and reloads the allocator put between the
// call and the stackmap); known_values.h follows the values through them.
#pragma once
#include "meta/metadata.h"

#include <span>

namespace xisa::meta {

class Disassembler;

class CodeReader {
public:
  explicit CodeReader(const Disassembler &code) : code_(code) {}

  // For the call sites of the function at `function_address`, whose code
  // it decodes once: sets each site's return_address (the end of the last
  // call instruction between the function start and the record point) and
  // gives register locations the ABI's DWARF numbers. Throws xisa::Error if
  // there is no call.
  void resolve(std::span<CallSite *const> sites, uint64_t function_address) const;

private:
  const Disassembler &code_;
};

} // namespace xisa::meta

// Disassembles the executable's code with LLVM MC to map each stackmap
// record to its call: the record's point may sit a few instructions after the
// return address (register copies the allocator put between the call and the
// stackmap), so the reader finds the call instruction itself and traces the
// recorded locations back through those copies.
#pragma once
#include "meta/metadata.h"


namespace xisa::meta {

class Disassembler;

class CodeReader {
public:
  explicit CodeReader(const Disassembler &code) : code_(code) {}

  // Sets site.return_address (the end of the last call instruction between
  // the function start and the record point) and rewrites register
  // locations to where the values are at that return address. Throws
  // xisa::Error if there is no call or a value cannot be traced.
  void resolve(CallSite &site, uint64_t function_address) const;

private:
  const Disassembler &code_;
};

} // namespace xisa::meta

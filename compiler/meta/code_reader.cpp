#include "meta/code_reader.h"
#include "meta/disassembler.h"

#include "support/error.h"

#include "llvm/MC/MCInstrAnalysis.h"

#include <optional>

using namespace llvm;

namespace xisa::meta {

void CodeReader::resolve(CallSite &site, uint64_t function_address) const {
  // Decode forward from the function start (x86 cannot be decoded
  // backwards) and remember the end of the last call before the record.
  std::optional<uint64_t> returnAddress;
  for (uint64_t pc = function_address; pc < site.record_address;) {
    MCInst inst;
    uint64_t size = 0;
    if (!code_.decode(pc, inst, size))
      fail("call site {:#x}: cannot decode the instruction at {:#x} (between the function at "
           "{:#x} and its stackmap point {:#x})",
           site.id, pc, function_address, site.record_address);
    if (code_.analysis().isCall(inst))
      returnAddress = pc + size;
    pc += size;
  }
  if (!returnAddress)
    fail("call site {:#x}: no call instruction between the function start {:#x} and the "
         "stackmap point {:#x}",
         site.id, function_address, site.record_address);
  site.return_address = *returnAddress;

  for (LiveValue &value : site.live_values)
    if (value.kind != LocationKind::Constant)
      value.dwarf_reg = static_cast<uint16_t>(normalized_dwarf_reg(code_.isa(), value.dwarf_reg));
}

} // namespace xisa::meta

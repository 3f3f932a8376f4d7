#include "meta/code_reader.h"
#include "meta/disassembler.h"

#include "support/error.h"

#include "llvm/MC/MCInstrAnalysis.h"

#include <algorithm>
#include <optional>
#include <vector>

using namespace llvm;

namespace xisa::meta {

void CodeReader::resolve(std::span<CallSite *const> sites, uint64_t function_address) const {
  // Decode forward from the function start (x86 cannot be decoded
  // backwards) to the last record point, once for all the sites (Lua's
  // luaV_execute has hundreds), noting where each call ends.
  uint64_t end = function_address;
  for (const CallSite *site : sites)
    end = std::max(end, site->record_address);
  std::vector<uint64_t> callStarts, callEnds;
  std::optional<uint64_t> undecodable;
  for (uint64_t pc = function_address; pc < end;) {
    MCInst inst;
    uint64_t size = 0;
    if (!code_.decode(pc, inst, size)) {
      undecodable = pc;
      break;
    }
    if (code_.analysis().isCall(inst)) {
      callStarts.push_back(pc);
      callEnds.push_back(pc + size);
    }
    pc += size;
  }

  for (CallSite *site : sites) {
    if (undecodable && *undecodable < site->record_address)
      fail("call site {:#x}: cannot decode the instruction at {:#x} (between the function at "
           "{:#x} and its stackmap point {:#x})",
           site->id, *undecodable, function_address, site->record_address);
    // The last call that starts before the record point.
    auto after = std::lower_bound(callStarts.begin(), callStarts.end(), site->record_address);
    if (after == callStarts.begin())
      fail("call site {:#x}: no call instruction between the function start {:#x} and the "
           "stackmap point {:#x}",
           site->id, function_address, site->record_address);
    site->return_address = callEnds[after - callStarts.begin() - 1];

    for (LiveValue &value : site->live_values)
      if (value.kind != LocationKind::Constant)
        value.dwarf_reg = static_cast<uint16_t>(normalized_dwarf_reg(code_.isa(), value.dwarf_reg));
  }
}

} // namespace xisa::meta

#include "meta/code_reader.h"
#include "meta/disassembler.h"

#include "support/error.h"

#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrDesc.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>

using namespace llvm;

namespace xisa::meta {

namespace {

// Where a register's value at the stackmap point was at the return address.
struct Origin {
  enum Kind { Register, Memory, Constant, Clobbered } kind;
  unsigned reg;   // Register: that register; Memory: the base register
  int64_t offset; // Memory: [reg + offset]; Constant: the value
  uint16_t bytes = 0; // Memory: bytes loaded when narrower than the register
};

} // namespace

// What `inst` leaves in the registers it writes, for the few kinds of
// instruction the register allocator puts between a call and its stackmap:
// copies, reloads from the frame (also narrow, extending ones) and
// rematerialized constants (also loads from constant data). Anything else
// yields Clobbered.
static std::vector<std::pair<unsigned, Origin>> effects(const Disassembler &code, uint64_t pc,
                                                        uint64_t size, const MCInst &inst) {
  std::vector<std::pair<unsigned, Origin>> out;
  auto reg = [&](unsigned operand) { return code.reg(inst, operand); };
  auto imm = [&](unsigned operand) { return code.imm(inst, operand); };
  auto copy = [&](unsigned dst, unsigned src) {
    if (reg(dst) >= 0 && reg(src) >= 0)
      out.emplace_back(reg(dst), Origin{Origin::Register, unsigned(reg(src)), 0});
  };
  // `dsts` loaded from consecutive `size`-byte slots at base + offset;
  // `bytes` for a zero- or sign-extending reload of a narrower slot.
  auto load = [&](std::initializer_list<unsigned> dsts, unsigned base, int64_t offset,
                  int64_t size, uint16_t bytes = 0) {
    for (unsigned dst : dsts) {
      if (reg(dst) >= 0 && reg(base) >= 0)
        out.emplace_back(reg(dst), Origin{Origin::Memory, unsigned(reg(base)), offset, bytes});
      offset += size;
    }
  };
  // A constant rematerialized after the call.
  auto constant = [&](unsigned dst, int64_t value) {
    if (reg(dst) >= 0)
      out.emplace_back(reg(dst), Origin{Origin::Constant, 0, value});
  };
  StringRef name = code.opcode_name(inst);
  unsigned n = inst.getNumOperands();
  switch (code.isa()) {
  case Isa::X86_64: {
    // reg <- [base + disp] with no index register (operands: dst, base, scale, index, disp, seg).
    static const StringSet<> loads = {"MOV64rm", "MOV32rm", "MOVSDrm", "MOVSSrm", "MOVAPSrm",
                                      "MOVUPSrm", "MOVSDrm_alt", "MOVSSrm_alt", "MOVAPDrm",
                                      "MOVUPDrm", "MOVDQArm", "MOVDQUrm", "MOVQI2PQIrm",
                                      "MOV64toPQIrm"};
    static const StringMap<uint16_t> narrow = {
        {"MOVZX32rm8", 1}, {"MOVZX32rm16", 2}, {"MOVSX32rm8", 1}, {"MOVSX32rm16", 2},
        {"MOVZX64rm8", 1}, {"MOVZX64rm16", 2}, {"MOVSX64rm8", 1}, {"MOVSX64rm16", 2},
        {"MOVSX64rm32", 4}};
    static const StringSet<> immediates = {"MOV32ri", "MOV64ri", "MOV64ri32"};
    bool plainAddress = n == 6 && reg(3) < 0 && imm(2) == 1;
    // A load from writable memory is no reload: it stays Clobbered.
    bool pcRelative = plainAddress && code.reg_name(inst, 1) == "RIP";
    bool frameAddress = plainAddress && !pcRelative;
    std::optional<uint64_t> constantData;
    if (pcRelative && (name == "MOV64rm" || name == "MOV32rm"))
      constantData = code.read_constant(pc + size + uint64_t(imm(4)), name == "MOV64rm" ? 8 : 4);
    if (constantData)
      constant(0, int64_t(*constantData)); // e.g. musl's `FILE *const stdout`
    else if (loads.contains(name) && frameAddress)
      load({0}, 1, imm(4), 0);
    else if (auto it = narrow.find(name); it != narrow.end() && frameAddress)
      load({0}, 1, imm(4), 0, it->second);
    else if (immediates.contains(name) && n == 2 && inst.getOperand(1).isImm())
      constant(0, imm(1));
    else if (code.desc(inst).isMoveReg() && n == 2)
      copy(0, 1);
    break;
  }
  case Isa::AArch64: {
    // `mov` is ORR dst, zr, src, lsl #0; loads are scaled by their size.
    static const StringMap<int64_t> single = {{"LDRXui", 8}, {"LDRWui", 4}, {"LDRDui", 8},
                                              {"LDRSui", 4}, {"LDRQui", 16}};
    static const StringMap<int64_t> pair = {{"LDPXi", 8}, {"LDPWi", 4}, {"LDPDi", 8},
                                            {"LDPSi", 4}, {"LDPQi", 16}};
    // ldur: the same loads with an unscaled (negative-capable) offset.
    static const StringSet<> unscaled = {"LDURXi", "LDURWi", "LDURDi", "LDURSi", "LDURQi"};
    static const StringMap<int64_t> narrowScaled = {{"LDRBBui", 1}, {"LDRHHui", 2},
                                                    {"LDRSBWui", 1}, {"LDRSHWui", 2},
                                                    {"LDRSWui", 4}};
    if ((name == "ORRWrs" || name == "ORRXrs") && n == 4 && inst.getOperand(1).isReg() &&
        code.reg_name(inst, 1).ends_with("ZR") && imm(3) == 0)
      copy(0, 2);
    else if (auto it = single.find(name); it != single.end() && n == 3)
      load({0}, 1, imm(2) * it->second, 0);
    else if (unscaled.contains(name) && n == 3)
      load({0}, 1, imm(2), 0);
    else if (auto it = pair.find(name); it != pair.end() && n == 4)
      load({0, 1}, 2, imm(3) * it->second, it->second);
    else if (auto it = narrowScaled.find(name); it != narrowScaled.end() && n == 3)
      load({0}, 1, imm(2) * it->second, 0, uint16_t(it->second));
    else if ((name == "MOVZWi" || name == "MOVZXi") && n == 3 && imm(2) == 0)
      constant(0, imm(1));
    else if ((name == "FMOVDr" || name == "FMOVSr") && n == 2)
      copy(0, 1);
    else if (code.desc(inst).isMoveReg() && n == 2)
      copy(0, 1);
    break;
  }
  case Isa::PPC64LE: {
    // `mr` is or dst, src, src; D-form loads are (dst, displacement, base).
    static const StringSet<> loads = {"LD", "LWZ", "LWA", "LFD", "LFS"};
    static const StringMap<uint16_t> narrow = {{"LBZ", 1}, {"LBZ8", 1}, {"LHZ", 2},
                                               {"LHZ8", 2}, {"LHA", 2}, {"LHA8", 2}};
    if ((name == "OR8" || name == "OR") && n == 3 && reg(1) == reg(2))
      copy(0, 1);
    else if (name == "FMR" && n == 2)
      copy(0, 1);
    else if (name == "XXLOR" && n == 3 && reg(1) == reg(2))
      copy(0, 1); // the VSX register move
    else if (loads.contains(name) && n == 3)
      load({0}, 2, imm(1), 0);
    else if (auto it = narrow.find(name); it != narrow.end() && n == 3)
      load({0}, 2, imm(1), 0, it->second);
    else if ((name == "LI" || name == "LI8") && n == 2)
      constant(0, imm(1));
    else if (code.desc(inst).isMoveReg() && n == 2)
      copy(0, 1);
    break;
  }
  }
  if (!out.empty())
    return out;
  for (int r : code.defs(inst))
    out.emplace_back(r, Origin{Origin::Clobbered, 0, 0});
  return out;
}

void CodeReader::resolve(CallSite &site, uint64_t function_address) const {
  // Decode forward from the function start (x86 cannot be decoded
  // backwards) and remember the end of the last call before the record.
  std::optional<uint64_t> returnAddress;
  struct Decoded {
    uint64_t pc, size;
    MCInst inst;
  };
  std::vector<Decoded> after; // instructions since that call
  for (uint64_t pc = function_address; pc < site.record_address;) {
    MCInst inst;
    uint64_t size = 0;
    if (!code_.decode(pc, inst, size))
      fail("call site {:#x}: cannot decode the instruction at {:#x} (between the function at "
           "{:#x} and its stackmap point {:#x})",
           site.id, pc, function_address, site.record_address);
    if (code_.analysis().isCall(inst)) {
      returnAddress = pc + size;
      after.clear();
    } else if (returnAddress) {
      after.push_back({pc, size, inst});
    }
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

  // Replay the instructions between the return address and the record:
  // `origin[r]` says where the value register r holds at the record was at
  // the return address.
  std::map<unsigned, Origin> origin;
  for (const Decoded &in : after)
    for (auto [reg, effect] : effects(code_, in.pc, in.size, in.inst)) {
      // A copy of a register that was itself reloaded or copied earlier.
      if (effect.kind == Origin::Register)
        if (auto source = origin.find(effect.reg); source != origin.end())
          effect = source->second;
      origin[reg] = effect;
    }
  for (size_t i = 0; i < site.live_values.size(); ++i) {
    LiveValue &value = site.live_values[i];
    if (value.kind == LocationKind::Constant)
      continue;
    auto it = origin.find(value.dwarf_reg);
    if (it == origin.end())
      continue;
    const Origin &from = it->second;
    if (from.kind == Origin::Constant && value.kind == LocationKind::Register) {
      value.kind = LocationKind::Constant;
      value.constant = static_cast<uint64_t>(from.offset);
      continue;
    }
    if (from.kind == Origin::Clobbered || value.kind != LocationKind::Register)
      fail("call site {:#x}: live value {} (DWARF register {}) is computed between the return "
           "address {:#x} and the stackmap point {:#x}; its location at the return address is "
           "unknown",
           site.id, i, value.dwarf_reg, site.return_address, site.record_address);
    value.dwarf_reg = static_cast<uint16_t>(from.reg);
    if (from.kind == Origin::Memory) {
      value.kind = LocationKind::Indirect;
      value.offset = static_cast<int32_t>(from.offset);
      if (from.bytes)
        value.size = from.bytes;
    }
  }
}

} // namespace xisa::meta

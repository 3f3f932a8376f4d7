#include "meta/code_reader.h"

#include "support/error.h"

#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>

using namespace llvm;

namespace xisa::meta {

static int normalizedDwarfReg(Isa isa, int reg);

namespace {

// Where a register's value at the stackmap point was at the return address.
struct Origin {
  enum Kind { Register, Memory, Constant, Clobbered } kind;
  unsigned reg;   // Register: that register; Memory: the base register
  int64_t offset; // Memory: [reg + offset]; Constant: the value
  uint16_t bytes = 0; // Memory: bytes loaded when narrower than the register
};

} // namespace

struct CodeReader::Impl {
  Isa isa;
  std::unique_ptr<MCRegisterInfo> registers;
  std::unique_ptr<MCAsmInfo> asmInfo;
  std::unique_ptr<MCSubtargetInfo> subtarget;
  std::unique_ptr<MCInstrInfo> instrs;
  std::unique_ptr<MCContext> context;
  std::unique_ptr<MCDisassembler> disassembler;
  std::unique_ptr<MCInstrAnalysis> analysis;
  // Executable sections: address -> bytes.
  std::map<uint64_t, ArrayRef<uint8_t>> code;

  ArrayRef<uint8_t> bytesAt(uint64_t address) const;
  bool decode(uint64_t address, MCInst &inst, uint64_t &size) const;
  std::vector<std::pair<unsigned, Origin>> effects(const MCInst &inst) const;
  int dwarfReg(MCRegister reg) const;
};

CodeReader::CodeReader(const object::ObjectFile &object, Isa isa) : impl(new Impl) {
  static const bool initialized = [] {
    InitializeAllTargetInfos();
    InitializeAllTargetMCs();
    InitializeAllDisassemblers();
    return true;
  }();
  (void)initialized;
  impl->isa = isa;
  Triple triple(std::string(info(isa).triple));
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple.str(), error);
  if (!target)
    fail("no LLVM target for {}: {} (LLVM built without it?)", triple.str(), error);
  MCTargetOptions options;
  impl->registers.reset(target->createMCRegInfo(triple.str()));
  impl->asmInfo.reset(target->createMCAsmInfo(*impl->registers, triple.str(), options));
  impl->subtarget.reset(target->createMCSubtargetInfo(triple.str(), "", ""));
  impl->instrs.reset(target->createMCInstrInfo());
  impl->context = std::make_unique<MCContext>(triple, impl->asmInfo.get(), impl->registers.get(),
                                              impl->subtarget.get());
  impl->disassembler.reset(target->createMCDisassembler(*impl->subtarget, *impl->context));
  impl->analysis.reset(target->createMCInstrAnalysis(impl->instrs.get()));
  if (!impl->disassembler || !impl->analysis)
    fail("LLVM has no disassembler for {}", triple.str());

  for (const object::SectionRef &section : object.sections()) {
    if (!section.isText())
      continue;
    Expected<StringRef> contents = section.getContents();
    if (!contents)
      fail("cannot read code section: {}", toString(contents.takeError()));
    impl->code[section.getAddress()] = arrayRefFromStringRef(*contents);
  }
}

CodeReader::~CodeReader() = default;

ArrayRef<uint8_t> CodeReader::Impl::bytesAt(uint64_t address) const {
  auto it = code.upper_bound(address);
  if (it == code.begin())
    return {};
  --it;
  uint64_t offset = address - it->first;
  return offset < it->second.size() ? it->second.drop_front(offset) : ArrayRef<uint8_t>();
}

bool CodeReader::Impl::decode(uint64_t address, MCInst &inst, uint64_t &size) const {
  ArrayRef<uint8_t> bytes = bytesAt(address);
  return !bytes.empty() &&
         disassembler->getInstruction(inst, size, bytes, address, nulls()) ==
             MCDisassembler::Success;
}

// The DWARF number LLVM's StackMaps would give `reg`: its own, else that of
// the first super-register that has one (a copy into w0 or %edi is x0 or
// %rdi), non-EH numbering.
int CodeReader::Impl::dwarfReg(MCRegister reg) const {
  for (MCPhysReg candidate : registers->superregs_inclusive(reg)) {
    int number = registers->getDwarfRegNum(candidate, false);
    if (number >= 0)
      return normalizedDwarfReg(isa, number);
  }
  return -1;
}

// On PowerPC the first numbered super-register of a 32-bit GPR is its SPE
// register (DWARF 1200 + n), so StackMaps names GPR n that way; the ABI's
// number for the same register is n.
static int normalizedDwarfReg(Isa isa, int reg) {
  return isa == Isa::PPC64LE && reg >= 1200 && reg < 1232 ? reg - 1200 : reg;
}

// What `inst` leaves in the registers it writes, for the few kinds of
// instruction the register allocator puts between a call and its stackmap:
// copies, reloads from the frame (also narrow, extending ones) and
// rematerialized constants. Anything else yields Clobbered.
std::vector<std::pair<unsigned, Origin>> CodeReader::Impl::effects(const MCInst &inst) const {
  std::vector<std::pair<unsigned, Origin>> out;
  auto reg = [&](unsigned operand) {
    return inst.getOperand(operand).isReg() ? dwarfReg(inst.getOperand(operand).getReg()) : -1;
  };
  auto imm = [&](unsigned operand) {
    return inst.getOperand(operand).isImm() ? inst.getOperand(operand).getImm() : 0;
  };
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
  StringRef name = instrs->getName(inst.getOpcode());
  unsigned n = inst.getNumOperands();
  switch (isa) {
  case Isa::X86_64: {
    // reg <- [base + disp] with no index register (operands: dst, base, scale, index, disp, seg).
    static const StringSet<> loads = {"MOV64rm", "MOV32rm", "MOVSDrm", "MOVSSrm", "MOVAPSrm",
                                      "MOVUPSrm", "MOVSDrm_alt", "MOVSSrm_alt", "MOVAPDrm",
                                      "MOVUPDrm", "MOVDQArm", "MOVDQUrm"};
    static const StringMap<uint16_t> narrow = {
        {"MOVZX32rm8", 1}, {"MOVZX32rm16", 2}, {"MOVSX32rm8", 1}, {"MOVSX32rm16", 2},
        {"MOVZX64rm8", 1}, {"MOVZX64rm16", 2}, {"MOVSX64rm8", 1}, {"MOVSX64rm16", 2},
        {"MOVSX64rm32", 4}};
    static const StringSet<> immediates = {"MOV32ri", "MOV64ri", "MOV64ri32"};
    bool plainAddress = n == 6 && reg(3) < 0 && imm(2) == 1;
    if (loads.contains(name) && plainAddress)
      load({0}, 1, imm(4), 0);
    else if (auto it = narrow.find(name); it != narrow.end() && plainAddress)
      load({0}, 1, imm(4), 0, it->second);
    else if (immediates.contains(name) && n == 2 && inst.getOperand(1).isImm())
      constant(0, imm(1));
    else if (instrs->get(inst.getOpcode()).isMoveReg() && n == 2)
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
        StringRef(registers->getName(inst.getOperand(1).getReg())).ends_with("ZR") && imm(3) == 0)
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
    else if (instrs->get(inst.getOpcode()).isMoveReg() && n == 2)
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
    else if (instrs->get(inst.getOpcode()).isMoveReg() && n == 2)
      copy(0, 1);
    break;
  }
  }
  if (!out.empty())
    return out;
  const MCInstrDesc &desc = instrs->get(inst.getOpcode());
  for (unsigned i = 0; i < desc.getNumDefs(); ++i)
    if (int r = reg(i); r >= 0)
      out.emplace_back(r, Origin{Origin::Clobbered, 0, 0});
  for (MCPhysReg def : desc.implicit_defs())
    if (int r = dwarfReg(def); r >= 0)
      out.emplace_back(r, Origin{Origin::Clobbered, 0, 0});
  return out;
}

void CodeReader::resolve(CallSite &site, uint64_t function_address) const {
  // Decode forward from the function start (x86 cannot be decoded
  // backwards) and remember the end of the last call before the record.
  std::optional<uint64_t> returnAddress;
  std::vector<std::pair<uint64_t, MCInst>> after; // instructions since that call
  for (uint64_t pc = function_address; pc < site.record_address;) {
    MCInst inst;
    uint64_t size = 0;
    if (!impl->decode(pc, inst, size))
      fail("call site {:#x}: cannot decode the instruction at {:#x} (between the function at "
           "{:#x} and its stackmap point {:#x})",
           site.id, pc, function_address, site.record_address);
    if (impl->analysis->isCall(inst)) {
      returnAddress = pc + size;
      after.clear();
    } else if (returnAddress) {
      after.emplace_back(pc, inst);
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
      value.dwarf_reg = static_cast<uint16_t>(normalizedDwarfReg(impl->isa, value.dwarf_reg));

  // Replay the instructions between the return address and the record:
  // `origin[r]` says where the value register r holds at the record was at
  // the return address.
  std::map<unsigned, Origin> origin;
  for (const auto &[pc, inst] : after)
    for (auto [reg, effect] : impl->effects(inst)) {
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

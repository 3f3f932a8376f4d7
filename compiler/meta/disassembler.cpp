#include "meta/disassembler.h"

#include "support/error.h"

#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/TargetSelect.h"

#include <cstring>
#include <map>

using namespace llvm;

namespace xisa::meta {

struct Disassembler::Impl {
  Isa isa;
  std::unique_ptr<MCRegisterInfo> registers;
  std::unique_ptr<MCAsmInfo> asmInfo;
  std::unique_ptr<MCSubtargetInfo> subtarget;
  std::unique_ptr<MCInstrInfo> instrs;
  std::unique_ptr<MCContext> context;
  std::unique_ptr<MCDisassembler> disassembler;
  std::unique_ptr<MCInstrAnalysis> analysis;
  // Section start -> bytes: the code, and the data no store changes.
  std::map<uint64_t, ArrayRef<uint8_t>> code, constants;
};

static ArrayRef<uint8_t> bytesAt(const std::map<uint64_t, ArrayRef<uint8_t>> &sections,
                                 uint64_t address) {
  auto it = sections.upper_bound(address);
  if (it == sections.begin())
    return {};
  --it;
  uint64_t offset = address - it->first;
  return offset < it->second.size() ? it->second.drop_front(offset) : ArrayRef<uint8_t>();
}

// Allocated and never written at run time. Some are writable sections: the
// link step's .rodata also takes relocated constants (.data.rel.ro), and in
// a static executable the linker fills .got and .toc for good.
static bool isConstantData(const object::SectionRef &section) {
  auto elf = object::ELFSectionRef(section);
  uint64_t flags = elf.getFlags();
  if (!(flags & ELF::SHF_ALLOC) || (flags & ELF::SHF_EXECINSTR) || elf.getType() == ELF::SHT_NOBITS)
    return false;
  if (!(flags & ELF::SHF_WRITE))
    return true;
  Expected<StringRef> name = section.getName();
  if (!name) {
    consumeError(name.takeError());
    return false;
  }
  return name->starts_with(".rodata") || name->starts_with(".data.rel.ro") || *name == ".got" ||
         *name == ".toc";
}

Disassembler::Disassembler(const object::ObjectFile &object, Isa isa) : impl(new Impl) {
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
    bool code = section.isText();
    if (!code && !isConstantData(section))
      continue;
    Expected<StringRef> contents = section.getContents();
    if (!contents)
      fail("cannot read section at {:#x}: {}", section.getAddress(),
           toString(contents.takeError()));
    (code ? impl->code : impl->constants)[section.getAddress()] = arrayRefFromStringRef(*contents);
  }
}

Disassembler::~Disassembler() = default;

Isa Disassembler::isa() const { return impl->isa; }

bool Disassembler::decode(uint64_t pc, MCInst &inst, uint64_t &size) const {
  ArrayRef<uint8_t> bytes = bytesAt(impl->code, pc);
  return !bytes.empty() && impl->disassembler->getInstruction(inst, size, bytes, pc, nulls()) ==
                               MCDisassembler::Success;
}

StringRef Disassembler::opcode_name(const MCInst &inst) const {
  return impl->instrs->getName(inst.getOpcode());
}

const MCInstrDesc &Disassembler::desc(const MCInst &inst) const {
  return impl->instrs->get(inst.getOpcode());
}

const MCInstrAnalysis &Disassembler::analysis() const { return *impl->analysis; }

// The number LLVM's StackMaps would give `reg`: its own, else that of the
// first super-register that has one (a copy into w0 or %edi is x0 or %rdi),
// non-EH numbering; -1 for the zero registers.
int Disassembler::dwarf_reg(MCRegister reg) const {
  // The zero registers share a number with the stack pointer (AArch64) or
  // r0 (PowerPC) but hold no value.
  if (is_zero_register(impl->registers->getName(reg)))
    return -1;
  for (MCPhysReg candidate : impl->registers->superregs_inclusive(reg)) {
    int number = impl->registers->getDwarfRegNum(candidate, false);
    if (number >= 0)
      return normalized_dwarf_reg(impl->isa, number);
  }
  return -1;
}

bool Disassembler::is_zero_register(StringRef name) {
  return name == "XZR" || name == "WZR" || name == "ZERO" || name == "ZERO8";
}

int Disassembler::reg(const MCInst &inst, unsigned i) const {
  if (i >= inst.getNumOperands() || !inst.getOperand(i).isReg() || !inst.getOperand(i).getReg())
    return -1;
  return dwarf_reg(inst.getOperand(i).getReg());
}

StringRef Disassembler::reg_name(const MCInst &inst, unsigned i) const {
  if (i >= inst.getNumOperands() || !inst.getOperand(i).isReg())
    return "";
  return impl->registers->getName(inst.getOperand(i).getReg());
}

int64_t Disassembler::imm(const MCInst &inst, unsigned i) const {
  return i < inst.getNumOperands() && inst.getOperand(i).isImm() ? inst.getOperand(i).getImm() : 0;
}

bool Disassembler::is_aarch64_register_move(const MCInst &inst) const {
  if (isa() != Isa::AArch64 || inst.getNumOperands() != 4)
    return false;
  StringRef op = opcode_name(inst);
  return (op == "ORRXrs" || op == "ORRWrs") && reg_name(inst, 1).ends_with("ZR") &&
         imm(inst, 3) == 0;
}

SmallVector<int, 4> Disassembler::defs(const MCInst &inst) const {
  SmallVector<int, 4> out;
  const MCInstrDesc &d = desc(inst);
  for (unsigned i = 0; i < d.getNumDefs(); ++i)
    if (int r = reg(inst, i); r >= 0)
      out.push_back(r);
  for (MCPhysReg def : d.implicit_defs())
    if (int r = dwarf_reg(def); r >= 0)
      out.push_back(r);
  return out;
}

SmallVector<int, 4> Disassembler::uses(const MCInst &inst) const {
  SmallVector<int, 4> out;
  const MCInstrDesc &d = desc(inst);
  for (unsigned i = d.getNumDefs(); i < inst.getNumOperands(); ++i)
    if (int r = reg(inst, i); r >= 0)
      out.push_back(r);
  for (MCPhysReg use : d.implicit_uses())
    if (int r = dwarf_reg(use); r >= 0)
      out.push_back(r);
  return out;
}

std::optional<uint64_t> Disassembler::read_constant(uint64_t address, unsigned bytes) const {
  ArrayRef<uint8_t> data = bytesAt(impl->constants, address);
  if (bytes > 8 || data.size() < bytes)
    return std::nullopt;
  uint64_t value = 0;
  std::memcpy(&value, data.data(), bytes);
  return value;
}

int normalized_dwarf_reg(Isa isa, int reg) {
  return isa == Isa::PPC64LE && reg >= 1200 && reg < 1232 ? reg - 1200 : reg;
}

} // namespace xisa::meta

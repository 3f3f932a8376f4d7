// LLVM MC set up for one ISA over an executable's code and read-only data:
// decodes the instruction at an address, names registers by their DWARF
// numbers (the numbering of stackmaps and .eh_frame), and reads the bytes
// that no store can change, for the readers that follow values through code.
#pragma once
#include "support/isa.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCRegister.h"
#include "llvm/Object/ObjectFile.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace llvm {
class MCInstrAnalysis;
class MCInstrDesc;
} // namespace llvm

namespace xisa::meta {

// One decoded instruction of a function.
struct Instr {
  uint64_t pc = 0, size = 0;
  llvm::MCInst inst;
};

class Disassembler {
public:
  Disassembler(const llvm::object::ObjectFile &object, Isa isa);
  ~Disassembler();

  Isa isa() const;
  // False when pc is outside the code or holds no valid instruction.
  bool decode(uint64_t pc, llvm::MCInst &inst, uint64_t &size) const;
  llvm::StringRef opcode_name(const llvm::MCInst &inst) const;
  const llvm::MCInstrDesc &desc(const llvm::MCInst &inst) const;
  const llvm::MCInstrAnalysis &analysis() const;

  // The DWARF number of register operand `i`, or -1 (not a register, or a
  // register without one, like the zero registers).
  static bool is_zero_register(llvm::StringRef name);
  int reg(const llvm::MCInst &inst, unsigned i) const;
  int dwarf_reg(llvm::MCRegister reg) const;
  llvm::StringRef reg_name(const llvm::MCInst &inst, unsigned i) const;
  int64_t imm(const llvm::MCInst &inst, unsigned i) const;
  // True when `inst` is AArch64's register move (`mov`: an unshifted orr
  // with the zero register), which copies operand 2 into operand 0.
  bool is_aarch64_register_move(const llvm::MCInst &inst) const;
  // DWARF numbers of every register `inst` writes.
  llvm::SmallVector<int, 4> defs(const llvm::MCInst &inst) const;
  // DWARF numbers of every register `inst` reads (a tied operand, the base
  // an address writes back, the flags a branch tests).
  llvm::SmallVector<int, 4> uses(const llvm::MCInst &inst) const;

  // Little-endian value of `bytes` bytes at `address` in a section the
  // program cannot write (.rodata, constant pools, and the GOT and TOC,
  // which a static link fills in for good); nullopt elsewhere.
  std::optional<uint64_t> read_constant(uint64_t address, unsigned bytes) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl;
};

// On PowerPC the first numbered super-register of a 32-bit GPR is its SPE
// register (DWARF 1200 + n), so StackMaps names GPR n that way; the ABI's
// number for the same register is n.
int normalized_dwarf_reg(Isa isa, int reg);

} // namespace xisa::meta

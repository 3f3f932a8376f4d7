// What the transformer needs to know about each ISA's calling convention,
// in DWARF register numbers (the numbering of stackmaps and .eh_frame).
#pragma once
#include "support/isa.h"

#include <cstdint>
#include <span>

namespace xisa::transform {

struct Abi {
  Isa isa;
  uint16_t sp;  // stack pointer
  uint16_t fp;  // frame pointer (-fno-omit-frame-pointer keeps it in every frame)
  uint16_t tp;  // register holding the thread pointer, or kNoReg (x86: fs base)
  uint16_t toc; // ppc64 TOC pointer, or kNoReg
  // Bytes between the stack pointer at a call plus the function's stackmap
  // stack size, and the CFA: the return address x86's call pushes.
  uint64_t call_push;
  // ppc64: the word at the stack pointer is the caller's stack pointer.
  bool back_chain;
  // ppc64: the frame pointer is a copy of the stack pointer after the
  // prologue, so a frame's size follows from its CFA rule alone.
  bool fp_is_sp;
  uint64_t stack_align;
  // Registers a callee preserves.
  std::span<const uint16_t> callee_saved;

  // Bytes a register holds: 16 for vector registers, 8 for the rest.
  unsigned reg_size(uint16_t reg) const;
  // ppc64's condition-register fields cr0-cr7 (DWARF 68-75) are 4 bits of
  // one 32-bit register, and a prologue saves them all in one word: the
  // field's number, or -1 for any other register.
  int condition_field(uint16_t reg) const;
  bool is_callee_saved(uint16_t reg) const;
};

inline constexpr uint16_t kNoReg = 0xffff;
inline constexpr uint16_t kPpcCr0 = 68; // DWARF number of cr0; cr1-cr7 follow

// Field `field` (0 = cr0, the most significant) of a 32-bit condition
// register, and the register with that field replaced.
inline uint64_t condition_field_of(uint64_t cr, int field) { return (cr >> (28 - 4 * field)) & 0xf; }
inline uint64_t with_condition_field(uint64_t cr, int field, uint64_t value) {
  unsigned shift = 28 - 4 * field;
  return (cr & ~(uint64_t(0xf) << shift)) | (value & 0xf) << shift;
}
// Highest DWARF register number used by any of the three ISAs, plus one.
inline constexpr uint16_t kNumDwarfRegs = 109;

const Abi &abi(Isa isa);

} // namespace xisa::transform

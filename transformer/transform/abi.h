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
  bool is_callee_saved(uint16_t reg) const;
};

inline constexpr uint16_t kNoReg = 0xffff;
// Highest DWARF register number used by any of the three ISAs, plus one.
inline constexpr uint16_t kNumDwarfRegs = 109;

const Abi &abi(Isa isa);

} // namespace xisa::transform

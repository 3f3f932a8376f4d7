// A thread's registers indexed by DWARF number, so frames of every ISA are
// read and written the same way; conversion from and to CRIU's per-ISA
// thread_info.
#pragma once
#include "images/image_set.h"
#include "transform/abi.h"

#include <array>
#include <cstdint>

namespace xisa::transform {

// Up to 16 bytes, little-endian: the low 8 in lo.
struct RegValue {
  uint64_t lo = 0;
  uint64_t hi = 0;
  bool operator==(const RegValue &) const = default;
};

struct RegFile {
  std::array<RegValue, kNumDwarfRegs> regs{};
  uint64_t pc = 0;
  uint64_t tp = 0;

  uint64_t get(uint16_t reg) const { return regs[reg].lo; }
  void set(uint16_t reg, uint64_t value) { regs[reg] = {value, 0}; }
};

RegFile reg_file(const images::ThreadInfo &info);
// A thread_info of regs's ISA holding regs; registers the file leaves at zero
// get the ABI's reset values (FP control words, MSR, segment selectors).
images::ThreadInfo thread_info(Isa isa, const RegFile &regs);

} // namespace xisa::transform

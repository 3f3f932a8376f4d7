// Stack transformation of one parked thread: walk the source frames from the
// migration point out to the runtime's base frame, then rebuild the same
// chain of calls in the destination's frame layout, in place.
#pragma once
#include "images/memory.h"
#include "transform/program.h"
#include "transform/registers.h"

#include <cstdint>
#include <vector>

namespace xisa::transform {

// A source frame: the call it is parked at, its CFA, and the values of its
// live variables at that call.
struct SourceFrame {
  const meta::CallSite *site = nullptr;
  uint64_t cfa = 0;
  std::vector<RegValue> values; // parallel to site->live_values
};

struct SourceStack {
  Isa isa = Isa::X86_64;
  std::vector<SourceFrame> frames; // innermost first
  uint64_t base_return = 0;        // where the outermost frame returns to
  std::string base_label;          // the base-return label there, if any
  uint64_t base_fp = 0;            // frame pointer of the base frame
};

SourceStack unwind(const RegFile &regs, const images::Memory &memory, const Program &program);

// Writes the destination frames over the source ones (the outermost frame
// keeps its CFA, so the base frame stays where it is) and returns the
// destination registers of the innermost frame. tp is the destination
// thread pointer.
RegFile rebuild(const SourceStack &stack, images::Memory &memory, const Program &dst,
                uint64_t tp);

} // namespace xisa::transform

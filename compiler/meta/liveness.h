// Backward liveness over a function's machine code: the registers and frame
// bytes the code from an instruction on may read before it writes them.
// known_values.cpp gives each instruction's effects (its decoding and the
// forward dataflow's frame addresses) and checks, at each return address,
// that everything live there is something the transformer can rebuild.
#pragma once

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <span>
#include <vector>

namespace xisa::meta {

// Bytes of the frame at CFA + cfa_offset.
struct FrameBytes {
  int64_t cfa_offset = 0;
  unsigned bytes = 0;
};

// What one instruction reads and writes. A frame access whose offset the
// dataflow does not know is left out: a store then kills nothing, and a
// load is missed (only spill reloads, which the dataflow models, matter).
struct InstrEffects {
  llvm::SmallVector<int, 4> reads, writes; // DWARF registers
  std::vector<FrameBytes> loads, stores;
};

// Sorted, without duplicates (a function's instructions each hold one).
struct Live {
  std::vector<int> regs;
  std::vector<int64_t> bytes; // frame bytes by CFA offset
  bool operator==(const Live &) const = default;
};

// What is live before each instruction. `succs[i]` are the instructions
// that may follow i; one with none leaves the function (a return or a tail
// call), where nothing of this frame is live any more.
std::vector<Live> live_before(std::span<const InstrEffects> effects,
                              const std::vector<std::vector<size_t>> &succs);

} // namespace xisa::meta

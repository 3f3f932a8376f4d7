// The thread pointer, musl's thread descriptor (struct pthread) and the
// static TLS block, re-laid for the destination's TLS convention.
//
// musl's layouts per ISA: runtime/include/xisa/musl_thread.h.
// The descriptor stays at its address (the program holds pthread_t values,
// musl's thread list links descriptors), so the TLS block moves to the
// destination's side of it. A created thread's data sits at the top of its
// stack mapping: below the descriptor, the destination's block takes the
// place of the frames under the runtime's base frame, which a moved thread
// never returns to; above it, where musl put the thread-specific data
// (x86-64) or the dtv, those move into the room the runtime's pthread_create
// leaves at the top of the mapping (wire.h, XISA_THREAD_ROOM_MAGIC). The
// main thread's data gets a mapping of that shape at start-up.
#pragma once
#include "images/image_set.h"
#include "meta/xisa_info.h"
#include "support/isa.h"

#include <cstdint>
#include <vector>

namespace xisa::transform {

struct TlsSide {
  Isa isa;
  const meta::Info &info;
};

// A thread's memory as the layout may use it: the process's dumped pages
// and mappings, and the thread's live stack [stack_lo, stack_hi), its
// frames up to the header of the base frame, which nothing may overwrite.
struct ThreadMemory {
  images::Memory &memory;
  const std::vector<images::Vma> &vmas;
  uint64_t stack_lo = 0, stack_hi = 0;
};

// Moves the descriptor fields and the TLS block of the thread whose source
// thread pointer is src_tp, and musl's data the block would cover; returns
// the destination thread pointer.
uint64_t relay_thread_area(const ThreadMemory &thread, const TlsSide &src, const TlsSide &dst,
                           uint64_t src_tp);

} // namespace xisa::transform

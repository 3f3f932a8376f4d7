// The thread pointer, musl's thread descriptor (struct pthread) and the
// static TLS block, re-laid for the destination's TLS convention.
//
// musl 1.2.3, checked on this machine by a probe program on all three ISAs
// (sizeof(struct pthread) = 200 everywhere):
//   x86-64 (variant II): TP = self; the TLS block ends at self; dtv at +8,
//     canary at +40, the non-ABI part at +48.
//   aarch64 (TLS_ABOVE_TP): TP = self + 200; TLS at TP + 16 (aligned);
//     non-ABI part at +32, canary at +184, dtv at +192.
//   ppc64le (TLS_ABOVE_TP): TP = self + 200 + 0x7000; TLS at self + 200;
//     layout as aarch64; dtv entries are biased by 0x8000.
// The descriptor stays at its address (musl keeps pointers to it), so the
// TLS block moves; the memory around it must have room for both layouts.
#pragma once
#include "images/memory.h"
#include "meta/xisa_info.h"
#include "support/isa.h"

#include <cstdint>

namespace xisa::transform {

struct TlsSide {
  Isa isa;
  const meta::Info &info;
};

// Moves the descriptor fields and the TLS block of the thread whose source
// thread pointer is src_tp; returns the destination thread pointer.
uint64_t relay_thread_area(images::Memory &memory, const TlsSide &src, const TlsSide &dst,
                           uint64_t src_tp);

} // namespace xisa::transform
